interface Frame {
  /** Keys seen so far in this object; null for an array. */
  readonly keys: Set<string> | null;
  /** The current member's key (object) or element index (array), for the path. */
  key: string;
  index: number;
}

function pathOf(stack: readonly Frame[], key: string): string {
  let path = '';
  for (let k = 0; k < stack.length - 1; k++) {
    const frame = stack[k]!;
    path += frame.keys === null ? `[${frame.index}]` : path === '' ? frame.key : `.${frame.key}`;
  }
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Finds object keys that appear more than once in the same object, which `JSON.parse` resolves
 * silently in favour of the last one: `{"Status":"Active","Status":"Inactive"}` would mean
 * whatever the last writer intended, and a reviewer reading the first would be misled.
 *
 * `text` must already have been accepted by `JSON.parse`, so this pass only needs to tell keys
 * from values. Keys are compared decoded (`"Status"` and `"\u0053tatus"` are the same key).
 * Returns the JSON path of each duplicated key once, e.g. `Statements[0].Type`.
 */
export function findDuplicateKeys(text: string): string[] {
  const duplicates = new Set<string>();
  const stack: Frame[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), key: '', index: 0 });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push({ keys: null, key: '', index: 0 });
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1]!;
      if (top.keys === null) top.index++;
      else expectKey = true;
    } else if (c === 0x22 /* " */) {
      let end = i + 1;
      while (text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey) {
        const top = stack[stack.length - 1]!;
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys!.has(key)) duplicates.add(pathOf(stack, key));
        top.keys!.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    }
    i++;
  }
  return [...duplicates];
}
