// Visible text of a subtree: script, style and template contents skipped, whitespace
// collapsed. cheerio's .text() includes inline scripts, which Amazon puts everywhere.
import type { AnyNode, Element } from 'domhandler';

const SKIPPED = new Set(['script', 'style', 'noscript', 'template']);
const BLOCKS = new Set(['br', 'li', 'ul', 'ol', 'div', 'p', 'tr', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr']);

function collect(node: AnyNode, parts: string[], lines: boolean): void {
  if (node.type === 'text') {
    // Line breaks in the page source are not line breaks on screen: older layouts split
    // "#1161" and "in Books > … > Vegan" over source lines inside one <li>.
    parts.push(lines ? node.data.replace(/\s+/g, ' ') : node.data);
    return;
  }
  if (node.type !== 'tag') return;
  const el = node as Element;
  if (SKIPPED.has(el.name)) return;
  const block = lines && BLOCKS.has(el.name);
  if (block) parts.push('\n');
  for (const child of el.children) collect(child, parts, lines);
  if (block) parts.push('\n');
}

/** Visible text, whitespace collapsed to single spaces. '' for a missing node. */
export function textOf(node: AnyNode | null | undefined): string {
  if (!node) return '';
  const parts: string[] = [];
  collect(node, parts, false);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** Visible text split into lines at block elements and <br>, blank lines dropped. */
export function linesOf(node: AnyNode | null | undefined): string[] {
  if (!node) return [];
  const parts: string[] = [];
  collect(node, parts, true);
  return parts
    .join('')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/** Text or null when empty. */
export function textOrNull(node: AnyNode | null | undefined): string | null {
  const text = textOf(node);
  return text === '' ? null : text;
}
