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

/**
 * `StartTime` and `EndTime` (Alibaba's `yyyy-MM-ddTHH:mm:ssZ`), each optional: `EndTime`
 * defaults to now, `StartTime` to `defaultDays` (30) before `EndTime` (at most `retentionDays`). The window
 * must be 1 day to `retentionDays` long and start no earlier than `retentionDays` before now,
 * so that every day it touches is still kept.
 */
export function readTimeWindow(
  params: Params,
  now: Date,
  retentionDays: number,
  defaultDays = DEFAULT_DAYS,
): TimeWindow {
  const nowSecond = wholeSecond(now);
  const end = readTime(params, 'EndTime') ?? nowSecond;
  const start =
    readTime(params, 'StartTime') ?? new Date(end.getTime() - Math.min(defaultDays, retentionDays) * DAY_MS);
  const length = end.getTime() - start.getTime();
  if (length < 0) throw timeRangeErrors.endBeforeStart();
  if (length < DAY_MS || length > retentionDays * DAY_MS) throw timeRangeErrors.length(retentionDays);
  if (start.getTime() < nowSecond.getTime() - retentionDays * DAY_MS) {
    throw timeRangeErrors.beforeRetention(retentionDays);
  }
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
