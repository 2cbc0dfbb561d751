import { parseAlibabaTime } from '../../../../common/alibaba-time.js';
import { DAY_MS } from '../../../../common/utc-day.js';
import { invalidParameter, timeRangeErrors } from '../../../errors/api-error.js';
import type { Params } from '../../support/params.js';

/** A window of audit data, in whole seconds, both ends included. */
export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/** The window when none is given: the last 30 days, or the whole retention when shorter. */
const DEFAULT_DAYS = 30;

/** How far after now `EndTime` may be: room for a client's clock a little ahead of the server's. */
export const END_TIME_LEEWAY_MS = 60_000;

/**
 * `StartTime` and `EndTime` (Alibaba's `yyyy-MM-ddTHH:mm:ssZ`), each optional: `EndTime`
 * defaults to now, `StartTime` to `defaultDays` (30) before `EndTime` (at most `retentionDays`)
 * but not before now minus the retention, so that an `EndTime` alone, in the past, still gives a
 * window the audit log keeps.
 * The window must end at most a minute after now, be 1 day to `retentionDays` long and start no
 * earlier than `retentionDays` before now, so that every day it touches is still kept.
 */
export function readTimeWindow(
  params: Params,
  now: Date,
  retentionDays: number,
  defaultDays = DEFAULT_DAYS,
): TimeWindow {
  const nowSecond = wholeSecond(now);
  const oldest = nowSecond.getTime() - retentionDays * DAY_MS;
  const end = readTime(params, 'EndTime') ?? nowSecond;
  if (end.getTime() > now.getTime() + END_TIME_LEEWAY_MS) throw timeRangeErrors.endInFuture();
  const start =
    readTime(params, 'StartTime') ??
    new Date(Math.max(end.getTime() - Math.min(defaultDays, retentionDays) * DAY_MS, oldest));
  const length = end.getTime() - start.getTime();
  if (length < 0) throw timeRangeErrors.endBeforeStart();
  if (length < DAY_MS || length > retentionDays * DAY_MS) throw timeRangeErrors.length(retentionDays);
  if (start.getTime() < oldest) throw timeRangeErrors.beforeRetention(retentionDays);
  return { start, end };
}

function readTime(params: Params, name: string): Date | undefined {
  const text = params[name];
  if (text === undefined || text === '') return undefined;
  const time = parseAlibabaTime(text);
  if (time === undefined) throw invalidParameter(name, 'it must be a UTC time as yyyy-MM-ddTHH:mm:ssZ.');
  return time;
}

function wholeSecond(time: Date): Date {
  return new Date(Math.floor(time.getTime() / 1000) * 1000);
}
