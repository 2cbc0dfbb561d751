import { splitEntries } from '@keyfence/policy/split-entries.js';

/** One entry as typed in a statement's text area, with the description written after it. */
export interface TypedEntry {
  readonly text: string;
  readonly description: string | undefined;
}

/**
 * Reads a statement's text area. Entries are separated as the server's `splitEntries` separates
 * them (spaces, commas, semicolons, newlines); `# text` after an entry, up to the end of its line,
 * is that entry's description, so a pasted list with comments keeps them.
 */
export function readEntryText(text: string): TypedEntry[] {
  const entries: TypedEntry[] = [];
  for (const line of text.split('\n')) {
    const hash = line.indexOf('#');
    const body = hash < 0 ? line : line.slice(0, hash);
    const comment = hash < 0 ? '' : line.slice(hash + 1).trim();
    const found = splitEntries(body);
    found.forEach((entry, k) => {
      const described = k === found.length - 1 && comment !== '';
      entries.push({ text: entry, description: described ? comment : undefined });
    });
  }
  return entries;
}

/** The text area for a list of entries: one a line, each with its description as `# text`. */
export function writeEntryText(entries: readonly TypedEntry[]): string {
  return entries
    .map((entry) => (entry.description === undefined ? entry.text : `${entry.text} # ${entry.description}`))
    .join('\n');
}

/** The text with `additions` appended on lines of their own, as typed ones would be. */
export function appendEntries(text: string, additions: readonly TypedEntry[]): string {
  if (additions.length === 0) return text;
  const added = writeEntryText(additions);
  return text.trim() === '' ? added : `${text.replace(/\s+$/, '')}\n${added}`;
}
