import { err, ok, type Result } from '../common/result.js';
import { AuthError } from './auth-error.js';
import { percentDecode } from './percent-encode.js';

/** One decoded request parameter: name and value as the client meant them, before any re-encoding. */
export type Param = readonly [name: string, value: string];

// Raw query strings and form bodies are percent-encoded ASCII; anything else (a raw space, a raw
// UTF-8 byte) has no single reading, and a proxy or upstream could read it differently from us.
const visibleAscii = /^[\x21-\x7e]*$/;
const EQUALS = 0x3d;

/**
 * Splits a raw query string or form body into decoded parameters. Empty segments (`a=1&&b=2`)
 * carry nothing and are skipped; a segment without `=` is a parameter with an empty value.
 */
export function parseParams(raw: string): Result<Param[], AuthError> {
  const params: Param[] = [];
  const read = eachParam(raw, (name, value) => {
    params.push([name, value]);
    return true;
  });
  return read ? ok(params) : err(AuthError.of('InvalidParameter.Malformed'));
}

/**
 * The parameters of one query string or form body by name, read as parseParams and mergeParams
 * read them together, without the list in between; undefined where either would refuse (a
 * malformed segment, a name given twice).
 */
export function paramsByName(raw: string): Map<string, string> | undefined {
  const byName = new Map<string, string>();
  const read = eachParam(raw, (name, value) => {
    if (byName.has(name)) return false;
    byName.set(name, value);
    return true;
  });
  return read ? byName : undefined;
}

/** Hands each decoded parameter to `take` until it says stop; false when stopped or malformed. */
function eachParam(raw: string, take: (name: string, value: string) => boolean): boolean {
  if (!visibleAscii.test(raw)) return false;
  // Most queries carry nothing to decode: then no name or value is looked at twice.
  const plain = raw.indexOf('%') < 0 && raw.indexOf('+') < 0;
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    if (end > start) {
      // The first '=' within the segment, looked for there only: bare names stay linear.
      let eq = start;
      while (eq < end && raw.charCodeAt(eq) !== EQUALS) eq++;
      const rawName = raw.slice(start, eq);
      const rawValue = eq < end ? raw.slice(eq + 1, end) : '';
      const name = plain ? rawName : percentDecode(rawName);
      const value = plain ? rawValue : percentDecode(rawValue);
      if (name === undefined || name === '' || value === undefined || !take(name, value)) return false;
    }
    start = end + 1;
  }
  return true;
}

/**
 * Merges query and form parameters, refusing any name given twice (within or across the two):
 * with `Action=A&Action=B` the verifier and whatever reads the request later could pick different
 * values, and only one of them was meant by the signer.
 */
export function mergeParams(...lists: readonly Param[][]): Result<Map<string, string>, AuthError> {
  const merged = new Map<string, string>();
  for (const list of lists) {
    for (const [name, value] of list) {
      if (merged.has(name)) return err(AuthError.of('InvalidParameter.Duplicate'));
      merged.set(name, value);
    }
  }
  return ok(merged);
}

/** `application/x-www-form-urlencoded`, with or without parameters such as `; charset=UTF-8`. */
export function isFormUrlEncoded(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}
