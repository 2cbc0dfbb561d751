/**
 * The window of audit data the insight actions read (`StartTime`, `EndTime`): the default start
 * stays within the retention, and an end more than a minute after now is refused.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatAlibabaTime } from '../../../src/common/alibaba-time.js';
import { DAY_MS } from '../../../src/common/utc-day.js';
import { readTimeWindow } from '../../../src/server/actions/keyfence/support/time-window.js';
import { ApiError } from '../../../src/server/errors/api-error.js';

const NOW = new Date('2026-12-01T08:00:00.500Z');
const NOW_SECOND = Date.parse('2026-12-01T08:00:00Z');
const at = (ms: number) => formatAlibabaTime(new Date(ms));

const refused = (read: () => unknown, code: string) =>
  assert.throws(read, (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, code);
    assert.equal(error.httpStatus, 400);
    return true;
  });

describe('readTimeWindow', () => {
  test('an EndTime alone, in the past, starts the window no earlier than the retention', () => {
    const end = NOW_SECOND - 80 * DAY_MS;
    const window = readTimeWindow({ EndTime: at(end) }, NOW, 90);
    assert.equal(window.start.getTime(), NOW_SECOND - 90 * DAY_MS);
    assert.equal(window.end.getTime(), end);
    // Entry usage's default is the whole retention: the same bound.
    const usage = readTimeWindow({ EndTime: at(NOW_SECOND - 10 * DAY_MS) }, NOW, 90, 90);
    assert.equal(usage.start.getTime(), NOW_SECOND - 90 * DAY_MS);
  });

  test('without StartTime, any EndTime a day or more into the retention gives a kept window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom(undefined, 1, 7, 30),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (retentionDays, defaultDays, where) => {
          const oldest = NOW_SECOND - retentionDays * DAY_MS;
          const latest = Math.floor((NOW.getTime() + 60_000) / 1000) * 1000;
          const end = Math.floor((oldest + DAY_MS + where * (latest - oldest - DAY_MS)) / 1000) * 1000;
          const days = Math.min(defaultDays ?? 30, retentionDays);
          const window = readTimeWindow({ EndTime: at(end) }, NOW, retentionDays, defaultDays);
          assert.equal(window.end.getTime(), end);
          assert.equal(window.start.getTime(), Math.max(end - days * DAY_MS, oldest));
        },
      ),
    );
  });

  test('an EndTime more than a minute after now is refused; within the minute it is taken', () => {
    refused(
      () => readTimeWindow({ EndTime: at(NOW_SECOND + 61_000) }, NOW, 90),
      'InvalidTimeRange.EndInFuture',
    );
    refused(
      () => readTimeWindow({ StartTime: at(NOW_SECOND), EndTime: at(NOW_SECOND + 2 * DAY_MS) }, NOW, 90),
      'InvalidTimeRange.EndInFuture',
    );
    const ahead = readTimeWindow({ EndTime: at(NOW_SECOND + 60_000) }, NOW, 90);
    assert.equal(ahead.end.getTime(), NOW_SECOND + 60_000);
  });
});
