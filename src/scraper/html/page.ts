// A loaded Amazon page: parsed once with htmlparser2 (cheerio/slim, several times faster
// than parse5 on these 1-2.5 MB documents), then walked once to index what every later
// step looks up: elements by id (Amazon repeats some ids, so all are kept), the canonical
// link, the <title>, form actions, search result cards and /dp/ links. Later lookups are
// map reads or queries inside small subtrees, never another pass over the document.
import { load, type CheerioAPI } from 'cheerio/slim';
import type { AnyNode, Element } from 'domhandler';

export interface Page {
  readonly $: CheerioAPI;
  readonly html: string;
  /** First element with this id. */
  byId(id: string): Element | undefined;
  /** Every element with this id, in document order. */
  allById(id: string): readonly Element[];
  readonly canonicalUrl: string | null;
  readonly title: string | null;
  readonly formActions: readonly string[];
  /** `div[data-component-type="s-search-result"]` cards in document order. */
  readonly searchResults: readonly Element[];
  /** Distinct ASINs linked through `/dp/ASIN` anywhere on the page. */
  readonly linkedAsins: ReadonlySet<string>;
}

const DP_LINK = /\/(?:dp|gp\/product)\/([A-Z0-9]{10})(?:[/?#]|$)/;

export function loadPage(html: string): Page {
  const $ = load(html);
  const ids = new Map<string, Element[]>();
  const formActions: string[] = [];
  const searchResults: Element[] = [];
  const linkedAsins = new Set<string>();
  let canonicalUrl: string | null = null;
  let titleEl: Element | undefined;

  const stack: AnyNode[] = [...$.root()[0].children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
    const el = node as Element;
    const attribs = el.attribs;
    const id = attribs.id;
    if (id !== undefined) {
      const list = ids.get(id);
      if (list) list.push(el);
      else ids.set(id, [el]);
    }
    switch (el.name) {
      case 'a': {
        const href = attribs.href;
        if (href !== undefined && href.includes('/dp/')) {
          const match = DP_LINK.exec(href);
          if (match) linkedAsins.add(match[1]);
        }
        break;
      }
      case 'link':
        if (canonicalUrl === null && attribs.rel === 'canonical' && attribs.href) canonicalUrl = attribs.href;
        break;
      case 'title':
        titleEl ??= el;
        break;
      case 'form':
        if (attribs.action !== undefined) formActions.push(attribs.action);
        break;
      case 'div':
        if (attribs['data-component-type'] === 's-search-result') searchResults.push(el);
        break;
      case 'script':
      case 'style':
        continue; // raw text only, nothing to index inside
    }
    const children = el.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }

  const title = titleEl ? $(titleEl).text().replace(/\s+/g, ' ').trim() || null : null;
  return {
    $,
    html,
    byId: (id) => ids.get(id)?.[0],
    allById: (id) => ids.get(id) ?? [],
    canonicalUrl,
    title,
    formActions,
    searchResults,
    linkedAsins,
  };
}
