/**
 * How far a request's signed time (`x-acs-date`, `Timestamp`) may be from the server clock, either
 * way: Alibaba's 15 minutes. The bound is inclusive: exactly 15:00.000 apart is accepted.
 */
export const REQUEST_TIME_WINDOW_MS = 15 * 60 * 1000;

export function isWithinWindow(requestTime: Date, now: Date, windowMs: number): boolean {
  return Math.abs(now.getTime() - requestTime.getTime()) <= windowMs;
}
