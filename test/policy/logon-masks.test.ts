import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logonMasksAllow, MAX_LOGON_MASKS_LENGTH, parseLogonMasks } from '../../src/policy/logon-masks.js';

test('logon masks: canonical, in order, each once; empty is none', () => {
  assert.deepEqual(parseLogonMasks(' 192.0.2.9/24;2001:DB8::1/32, 192.0.2.0/24 198.51.100.7', 40), {
    ok: true,
    value: ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7'],
  });
  assert.deepEqual(parseLogonMasks('', 40), { ok: true, value: [] });
  assert.deepEqual(parseLogonMasks(';; ,', 40), { ok: true, value: [] });
});

test('logon masks: every problem, with the parser codes', () => {
  const parsed = parseLogonMasks('127.1 10.0.0.0/33 1.2.3.4', 1);
  assert.equal(parsed.ok, false);
  if (parsed.ok) return;
  assert.deepEqual(
    parsed.error.map((p) => [p.code, p.entry]),
    [
      [parsed.error[0]!.code, '127.1'],
      ['Prefix.OutOfRange', '10.0.0.0/33'],
    ],
  );
  assert.match(parsed.error[0]!.code, /^Address\.IPv4\./);
  const tooMany = parseLogonMasks('1.2.3.4 5.6.7.8', 1);
  assert.ok(!tooMany.ok && tooMany.error.some((p) => p.code === 'LogonMasks.TooMany'));
  const tooLong = parseLogonMasks(' '.repeat(MAX_LOGON_MASKS_LENGTH + 1), 40);
  assert.ok(!tooLong.ok && tooLong.error.some((p) => p.code === 'LogonMasks.TooLong'));
});

test('logon masks allow what they cover; none allow everything', () => {
  const stored = '192.0.2.0/24;2001:db8::/32;198.51.100.7';
  assert.equal(logonMasksAllow(stored, '192.0.2.200'), true);
  assert.equal(logonMasksAllow(stored, '::ffff:192.0.2.1'), true);
  assert.equal(logonMasksAllow(stored, '2001:db8:1::5'), true);
  assert.equal(logonMasksAllow(stored, '198.51.100.7'), true);
  assert.equal(logonMasksAllow(stored, '198.51.100.8'), false);
  assert.equal(logonMasksAllow(stored, 'not an address'), false);
  assert.equal(logonMasksAllow('', '203.0.113.9'), true);
});
