/**
 * The console API's request body: one JSON object whose values are all strings, read strictly.
 * `JSON.parse` keeps the last of two equal names; here a name given twice makes the body
 * unreadable, so that no reader of the same bytes (a proxy's filter, a log) can take another
 * value than the handler does. The bytes must be UTF-8 (a malformed sequence is refused, not
 * replaced), and the result has no prototype, as the RPC API's parameters have none.
 */

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

// Where a JSON string token ends; JSON.parse then checks its escapes and characters.
const STRING = /"(?:[^"\\]|\\.)*"/sy;
const SPACE = /[ \t\n\r]*/y;

/** The body's parameters; undefined when it is not one JSON object of strings with distinct names. */
export function parseFlatJson(body: Uint8Array): Record<string, string> | undefined {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    return undefined;
  }
  const params: Record<string, string> = Object.create(null);
  let at = 0;
  const skip = () => {
    SPACE.lastIndex = at;
    SPACE.exec(text);
    at = SPACE.lastIndex;
  };
  const string = (): string | undefined => {
    STRING.lastIndex = at;
    const token = STRING.exec(text);
    if (token === null) return undefined;
    at = STRING.lastIndex;
    try {
      return JSON.parse(token[0]) as string;
    } catch {
      return undefined;
    }
  };
  const expect = (char: string): boolean => {
    skip();
    if (text[at] !== char) return false;
    at++;
    return true;
  };
  if (!expect('{')) return undefined;
  skip();
  if (text[at] === '}') {
    at++;
  } else {
    for (;;) {
      skip();
      const name = string();
      if (name === undefined || Object.hasOwn(params, name) || !expect(':')) return undefined;
      skip();
      const value = string();
      if (value === undefined) return undefined;
      params[name] = value;
      if (expect(',')) continue;
      if (expect('}')) break;
      return undefined;
    }
  }
  skip();
  return at === text.length ? params : undefined;
}
