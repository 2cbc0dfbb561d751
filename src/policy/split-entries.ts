/**
 * ASCII whitespace, commas and semicolons. Look-alikes such as the full-width comma "，" are not
 * separators: they stay inside an entry, where the strict parser rejects them, rather than
 * being guessed at.
 */
const SEPARATORS = /[ \t\n\v\f\r,;]+/;

/**
 * The console's convenience: several entries typed in one box, separated by spaces,
 * commas or semicolons. Empty entries between separators are dropped (`1.2.3.4,,5.6.7.8` is two
 * entries, `;;` none). The entries are returned as typed; validating them is `parseCidr`'s job.
 */
export function splitEntries(text: string): string[] {
  return text.split(SEPARATORS).filter((entry) => entry.length > 0);
}
