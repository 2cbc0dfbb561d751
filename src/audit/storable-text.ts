/**
 * Text as the audit log can store it on every database. PostgreSQL refuses a NUL in `text`
 * (SQLSTATE 22021) and a `\u0000` or a lone surrogate in JSON (22P05); an event holds strings a
 * client chose (the AccessKeyId it named, Action, Version, the User-Agent, the path), and one
 * such string must not cost its batch. Each is replaced by U+FFFD, as a decoder replaces bytes
 * it cannot read. SQLite would keep them, but an event reads the same from either database.
 */

// A NUL, or a surrogate that is not half of a pair.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is what it is for.
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const REPLACEMENT = '\uFFFD';

export function storableText(text: string): string {
  return text.replace(unstorable, REPLACEMENT);
}

/**
 * True when `json` (JSON.stringify's output) may hold unstorable text: JSON.stringify writes a NUL
 * as `\u0000` and a lone surrogate as `\udXXX`. A cheap test on the whole document, so that only
 * the rare event that needs it is walked. A false alarm (an escaped backslash before `u0000`)
 * costs a walk that changes nothing.
 */
export function mayHoldUnstorableText(json: string): boolean {
  return json.includes('\\u0000') || /\\ud[89a-f]/i.test(json);
}

/** `value` (parsed JSON: objects, arrays, strings, numbers, booleans, null) with every string storable, names included. */
export function withStorableText<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map(withStorableText) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) => [storableText(name), withStorableText(inner)]),
    ) as T;
  }
  return value;
}
