/**
 * `--days N` as the server reads it: a window of N days that the server takes when the request
 * reaches it a little later, or its clock is a little off, even when N is the whole retention.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { windowParams } from '../../src/cli/window-params.js';
import { DAY_MS } from '../../src/common/utc-day.js';
import { readTimeWindow } from '../../src/server/actions/keyfence/support/time-window.js';

test('--days N up to the retention passes the server, sent a moment before it reads it', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 400 }),
      fc.integer({ min: 0, max: 400 }),
      fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }),
      // The server's clock against the client's: the way there, or clocks up to 29 s apart.
      fc.integer({ min: -29_000, max: 29_000 }),
      (retentionDays, shorter, sentAt, lag) => {
        const days = Math.max(1, retentionDays - shorter);
        const params = windowParams({ days: String(days) }, new Date(sentAt));
        assert.ok(typeof params !== 'string', String(params));
        const window = readTimeWindow(params, new Date(sentAt + lag), retentionDays);
        assert.equal(window.end.getTime() - window.start.getTime(), days * DAY_MS);
      },
    ),
  );
});

test('the retention itself, read a second after it was sent', () => {
  const sentAt = Date.parse('2026-12-01T08:00:00.900Z');
  const params = windowParams({ days: '90' }, new Date(sentAt));
  assert.ok(typeof params !== 'string', String(params));
  assert.doesNotThrow(() => readTimeWindow(params, new Date(sentAt + 1000), 90));
});
