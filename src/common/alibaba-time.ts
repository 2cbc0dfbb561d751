/**
 * Alibaba's timestamp format, used in signed requests (`x-acs-date`, `Timestamp`), responses
 * (`CreateDate`) and ActionTrail events alike: UTC to the second, `2020-10-15T08:08:54Z`.
 */
export function formatAlibabaTime(time: Date): string {
  return `${time.toISOString().slice(0, 19)}Z`;
}

const shape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * The instant a string in exactly that form names, or undefined: fractions, offsets, lower-case
 * letters and calendar dates that do not exist (`2024-02-30`, second 60) are all refused.
 */
export function parseAlibabaTime(text: string): Date | undefined {
  if (!shape.test(text)) return undefined;
  const time = new Date(text);
  // The round trip rejects the calendar overflows Date would otherwise roll into the next month.
  return Number.isNaN(time.getTime()) || formatAlibabaTime(time) !== text ? undefined : time;
}
