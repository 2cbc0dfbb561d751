import { formatAlibabaTime, parseAlibabaTime } from '../common/alibaba-time.js';
import { DAY_MS } from '../common/utc-day.js';

export interface WindowOptions {
  /** A window of this many days up to now (half a minute ahead); or `start` and/or `end`. */
  readonly days?: string | undefined;
  readonly start?: string | undefined;
  readonly end?: string | undefined;
}

/**
 * How far after now `--days` ends its window. The server refuses a start before its now minus
 * the retention, so a window of exactly the retention ending now would be refused once the
 * request arrived a second later; it accepts an end up to a minute ahead of its clock, so half a
 * minute leaves room both for the request's way and for the two clocks disagreeing.
 */
const END_AHEAD_MS = 30_000;

/**
 * `--days N` or `--start`/`--end` as the `StartTime`/`EndTime` of a request over audit data (none
 * given: none sent, the server's default); a message naming the option at fault otherwise. The
 * server checks the window against its retention; `--days N` as long as the retention passes.
 */
export function windowParams(options: WindowOptions, now: Date): Record<string, string> | string {
  const { days, start, end } = options;
  if (days !== undefined && (start !== undefined || end !== undefined))
    return 'give --days or --start/--end, not both';
  if (days !== undefined && !/^[1-9][0-9]{0,3}$/.test(days))
    return '--days must be a whole number of days from 1';
  for (const [name, time] of [
    ['--start', start],
    ['--end', end],
  ] as const) {
    if (time !== undefined && parseAlibabaTime(time) === undefined) {
      return `${name}: ${JSON.stringify(time)} is not a time like 2026-12-01T00:00:00Z`;
    }
  }
  if (days === undefined) {
    return {
      ...(start === undefined ? {} : { StartTime: start }),
      ...(end === undefined ? {} : { EndTime: end }),
    };
  }
  const until = Math.floor(now.getTime() / 1000) * 1000 + END_AHEAD_MS;
  return {
    StartTime: formatAlibabaTime(new Date(until - Number(days) * DAY_MS)),
    EndTime: formatAlibabaTime(new Date(until)),
  };
}
