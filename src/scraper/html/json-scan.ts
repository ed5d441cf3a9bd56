// Reads JSON literals that Amazon embeds in inline scripts (image galleries, variation
// maps) straight from the raw HTML: one indexOf for the marker, then a bracket scan that
// respects strings, so the rest of the script need not be valid JSON.

function matchingEnd(text: string, start: number): number {
  const open = text[start];
  const close = open === '{' ? '}' : ']';
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === close ? i : -1;
    }
  }
  return -1;
}

/**
 * The JSON object or array that starts at the first `{` or `[` after `marker` (searched
 * from `from`), or undefined when absent or not valid JSON.
 */
export function jsonAfter(html: string, marker: string, from = 0, maxGap = 40): unknown {
  const at = html.indexOf(marker, from);
  if (at < 0) return undefined;
  let start = at + marker.length;
  const limit = Math.min(html.length, start + maxGap);
  while (start < limit && html[start] !== '{' && html[start] !== '[') start++;
  if (start >= limit) return undefined;
  const end = matchingEnd(html, start);
  if (end < 0) return undefined;
  try {
    return JSON.parse(html.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

/** The string value of `"key" : "value"` at its first occurrence after `from`. */
export function jsonStringAfter(html: string, key: string, from = 0): string | undefined {
  const pattern = new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]*)"`, 'g');
  pattern.lastIndex = from;
  return pattern.exec(html)?.[1];
}
