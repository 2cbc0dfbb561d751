/** ActionTrail's time format: UTC to the second, `yyyy-MM-ddTHH:mm:ssZ`. */
const eventTimeShape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function formatEventTime(time: Date): string {
  return `${time.toISOString().slice(0, 19)}Z`;
}

/**
 * The instant a `yyyy-MM-ddTHH:mm:ssZ` string names, or undefined when it is not one: another
 * shape, or a calendar date that does not exist (`2024-02-30`), which `Date` would roll over.
 */
export function parseEventTime(text: string): Date | undefined {
  if (!eventTimeShape.test(text)) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) || formatEventTime(time) !== text ? undefined : time;
}
