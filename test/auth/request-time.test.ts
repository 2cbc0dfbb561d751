/** The signed-time format and the ±15 minute window (inclusive, to the millisecond). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWithinWindow, REQUEST_TIME_WINDOW_MS } from '../../src/auth/request-time.js';
import { formatAlibabaTime, parseAlibabaTime } from '../../src/common/alibaba-time.js';

describe('parseAlibabaTime', () => {
  it('reads yyyy-MM-ddTHH:mm:ssZ as UTC', () => {
    assert.equal(parseAlibabaTime('2023-10-26T10:22:32Z')?.getTime(), Date.UTC(2023, 9, 26, 10, 22, 32));
    assert.equal(parseAlibabaTime('2024-02-29T23:59:59Z')?.getTime(), Date.UTC(2024, 1, 29, 23, 59, 59));
  });

  it('refuses every other spelling and impossible dates', () => {
    for (const text of [
      '2023-10-26T10:22:32.000Z',
      '2023-10-26T10:22:32',
      '2023-10-26T10:22:32+00:00',
      '2023-10-26 10:22:32Z',
      '2023-10-26t10:22:32z',
      '2023-10-26T10:22Z',
      ' 2023-10-26T10:22:32Z',
      '2023-10-26T10:22:32Z\n',
      '2023-02-29T00:00:00Z',
      '2023-04-31T00:00:00Z',
      '2023-13-01T00:00:00Z',
      '2023-10-26T24:00:00Z',
      '2023-10-26T23:60:00Z',
      '2023-10-26T23:59:60Z',
      '+002023-10-26T10:22:32Z',
      '1698315752',
      '',
    ]) {
      assert.equal(parseAlibabaTime(text), undefined, text);
    }
  });

  it('round-trips with formatAlibabaTime, which drops milliseconds', () => {
    const time = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 999));
    assert.equal(formatAlibabaTime(time), '2026-01-01T00:00:00Z');
    assert.equal(parseAlibabaTime(formatAlibabaTime(time))?.getTime(), Date.UTC(2026, 0, 1));
  });
});

describe('isWithinWindow', () => {
  const signedAt = new Date('2026-01-01T00:00:00Z');
  const at = (offsetMs: number) => new Date(signedAt.getTime() + offsetMs);

  it('is 15 minutes', () => {
    assert.equal(REQUEST_TIME_WINDOW_MS, 900_000);
  });

  it('accepts exactly 15 minutes either way and refuses a millisecond or a second more', () => {
    for (const sign of [1, -1]) {
      assert.ok(isWithinWindow(signedAt, at(sign * REQUEST_TIME_WINDOW_MS), REQUEST_TIME_WINDOW_MS));
      assert.ok(!isWithinWindow(signedAt, at(sign * (REQUEST_TIME_WINDOW_MS + 1)), REQUEST_TIME_WINDOW_MS));
      assert.ok(
        !isWithinWindow(signedAt, at(sign * (REQUEST_TIME_WINDOW_MS + 1000)), REQUEST_TIME_WINDOW_MS),
      );
    }
    assert.ok(isWithinWindow(signedAt, signedAt, REQUEST_TIME_WINDOW_MS));
  });
});
