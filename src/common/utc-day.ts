/** One UTC day in milliseconds (UTC has no daylight saving; leap seconds are not counted by Date). */
export const DAY_MS = 24 * 60 * 60_000;

/** The UTC day `at` falls on, as whole days since 1970-01-01. */
export function utcDayOf(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS);
}
