// Text PostgreSQL cannot store: the NUL character (text and jsonb both refuse it) and
// UTF-16 surrogates without their pair (JSON.parse lets "\ud800" through; pg's UTF-8
// encoding would turn it into U+FFFD in text columns, and jsonb rejects the escaped
// form outright). Keepa data is user-visible text, so such characters are replaced by
// U+FFFD (the replacement character) and the import says which product had them.

// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const REPLACEMENT = '\ufffd';

/** `value` with NUL and lone surrogates replaced, or the same string when it had none. */
export function storableString(value: string): string {
  if (!SUSPECT.test(value)) return value;
  return value.replace(LONE_SURROGATE, REPLACEMENT).replaceAll('\u0000', REPLACEMENT);
}

/**
 * A deep copy of a JSON value with every string (object keys included) made storable;
 * `cleaned` counts the strings that changed. Values without such characters are returned
 * as they are, not copied.
 */
export function storableJson<T>(value: T, cleaned: { count: number }): T {
  if (typeof value === 'string') {
    const fixed = storableString(value);
    if (fixed !== value) cleaned.count++;
    return fixed as T;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === 'number') continue; // histories: skip the common case fast
      const fixed = storableJson(item, cleaned);
      if (fixed !== item) (copy ??= [...value])[i] = fixed;
    }
    return (copy ?? value) as T;
  }
  if (typeof value === 'object' && value !== null) {
    let copy: Record<string, unknown> | null = null;
    for (const [key, item] of Object.entries(value)) {
      const fixedKey = storableJson(key, cleaned);
      const fixed = storableJson(item, cleaned);
      if (fixed !== item || fixedKey !== key) {
        copy ??= { ...(value as Record<string, unknown>) };
        if (fixedKey !== key) delete copy[key];
        copy[fixedKey] = fixed;
      }
    }
    return (copy ?? value) as T;
  }
  return value;
}
