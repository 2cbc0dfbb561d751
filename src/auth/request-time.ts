/**
 * How far a request's signed time (`x-acs-date`, `Timestamp`) may be from the server clock, either
 * way: Alibaba's 15 minutes. The bound is inclusive: exactly 15:00.000 apart is accepted.
 */
export const REQUEST_TIME_WINDOW_MS = 15 * 60 * 1000;

const shape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** `yyyy-MM-ddTHH:mm:ssZ`, UTC, whole seconds: the one form the SDKs send. */
export function formatRequestTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Parses the strict form above; anything else (fractions, offsets, lower-case letters, day 31 of
 * a 30-day month, second 60) is undefined.
 */
export function parseRequestTime(text: string): Date | undefined {
  if (!shape.test(text)) return undefined;
  const time = new Date(text);
  // The round trip rejects the calendar overflows Date would otherwise roll into the next month.
  return Number.isNaN(time.getTime()) || formatRequestTime(time) !== text ? undefined : time;
}

export function isWithinWindow(requestTime: Date, now: Date, windowMs: number): boolean {
  return Math.abs(now.getTime() - requestTime.getTime()) <= windowMs;
}
