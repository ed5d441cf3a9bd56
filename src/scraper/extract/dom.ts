// Small lookups shared by the extractors: scoped queries that run inside one subtree,
// and the first id of a list that the page has.
import type { Element } from 'domhandler';
import type { Page } from '../html/page.js';

/** Elements matching `selector` inside `root` (document order); [] when root is missing. */
export function findAll(page: Page, root: Element | undefined, selector: string): Element[] {
  if (!root) return [];
  return page.$(root).find(selector).toArray();
}

export function findFirst(page: Page, root: Element | undefined, selector: string): Element | undefined {
  if (!root) return undefined;
  return page.$(root).find(selector).first()[0];
}

/** The first element among these ids that the page has. */
export function firstById(page: Page, ids: readonly string[]): Element | undefined {
  for (const id of ids) {
    const el = page.byId(id);
    if (el) return el;
  }
  return undefined;
}

export function hasClass(el: Element, name: string): boolean {
  const cls = el.attribs.class;
  return cls !== undefined && ` ${cls} `.includes(` ${name} `);
}

/** Nearest ancestor (or the element itself) matching the predicate. */
export function closest(el: Element, predicate: (e: Element) => boolean, maxDepth = 12): Element | undefined {
  let current: Element | null = el;
  for (let depth = 0; current && depth <= maxDepth; depth++) {
    if (predicate(current)) return current;
    const parent: Element['parent'] = current.parent;
    current = parent && parent.type === 'tag' ? (parent as Element) : null;
  }
  return undefined;
}

/** Absolute URL on the marketplace for a relative href. */
export function absoluteUrl(href: string | undefined, origin: string): string | null {
  if (!href || href.startsWith('javascript:') || href === '#') return null;
  try {
    return new URL(href, origin).toString();
  } catch {
    return null;
  }
}
