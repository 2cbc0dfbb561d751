/**
 * Alibaba's percent-encoding: RFC 3986 over UTF-8, keeping only `A-Z a-z 0-9 - _ . ~`,
 * upper-case hex. `encodeURIComponent` already does this except that it keeps `! ' ( ) *`.
 */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Decodes one name or value of a query string or form body, `+` meaning space as in HTML forms.
 * Returns undefined for a bad `%` escape or bytes that are not UTF-8, which have no canonical form
 * and so could never have been signed.
 */
export function percentDecode(text: string): string | undefined {
  // Most names and values have nothing to decode: no copy, no exception frame.
  if (text.indexOf('%') < 0 && text.indexOf('+') < 0) return text;
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
