const DAY_MS = 86_400_000;

/** An Alibaba timestamp (`2026-01-02T03:04:05Z`) as the console shows times: UTC, to the second. */
export const formatUtc = (time: string | undefined): string =>
  time === undefined || time === '' ? '—' : `${time.replace('T', ' ').replace(/Z$/, '')} UTC`;

/** Whole days from `time` to now (the browser's clock, which the tests fix). */
export const daysSince = (time: string, now: number = Date.now()): number =>
  Math.floor((now - Date.parse(time)) / DAY_MS);
