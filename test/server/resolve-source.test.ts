import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hopAddress, resolveSource } from '../../src/server/source/resolve-source.js';
import { TrustedProxies } from '../../src/server/source/trusted-proxies.js';

const trusted = (() => {
  const parsed = TrustedProxies.parse(['10.0.0.0/8', 'fd00::/8']);
  assert.equal(parsed.ok, true, 'trusted proxies parse');
  if (!parsed.ok) throw new Error('unreachable');
  return parsed.value;
})();

const resolve = (peer: string | undefined, headers: Record<string, string | string[]> = {}) =>
  resolveSource(peer, headers, trusted);

describe('resolveSource', () => {
  test('an untrusted peer is the source, whatever headers it sends', () => {
    const r = resolve('203.0.113.9', {
      'x-forwarded-for': '198.51.100.1',
      forwarded: 'for=198.51.100.2',
      'x-forwarded-vpc-id': 'vpc-abc',
    });
    assert.deepEqual(r, { ok: true, value: { ip: '203.0.113.9', via: 'peer' } });
  });

  test('a trusted peer without headers is itself the source', () => {
    assert.deepEqual(resolve('10.1.1.1'), { ok: true, value: { ip: '10.1.1.1', via: 'peer' } });
  });

  test('X-Forwarded-For is walked right to left and stops at the first untrusted hop', () => {
    const r = resolve('10.0.0.1', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.0.0.2' });
    assert.deepEqual(r, { ok: true, value: { ip: '198.51.100.7', via: 'x-forwarded-for' } });
  });

  test('a client that prepends a spoofed hop gains nothing', () => {
    const honest = resolve('10.0.0.1', { 'x-forwarded-for': '198.51.100.7' });
    const spoofed = resolve('10.0.0.1', { 'x-forwarded-for': '10.9.9.9, 198.51.100.7' });
    assert.deepEqual(spoofed, honest);
  });

  test('several header lines are one list', () => {
    const r = resolve('10.0.0.1', { 'x-forwarded-for': ['1.1.1.1', '198.51.100.8'] });
    assert.deepEqual(r, { ok: true, value: { ip: '198.51.100.8', via: 'x-forwarded-for' } });
  });

  test('RFC 7239 Forwarded, with quoted bracketed IPv6 and ports', () => {
    const r = resolve('fd00::1', { forwarded: 'for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711"' });
    assert.deepEqual(r, { ok: true, value: { ip: '2001:db8:cafe::17', via: 'forwarded' } });
  });

  test('IPv4-mapped peers are recognised as trusted', () => {
    const r = resolve('::ffff:10.0.0.1', { 'x-forwarded-for': '198.51.100.7' });
    assert.deepEqual(r, { ok: true, value: { ip: '198.51.100.7', via: 'x-forwarded-for' } });
  });

  test('the VPC header counts only from a trusted peer, and must be a VPC ID', () => {
    const r = resolve('10.0.0.1', { 'x-forwarded-for': '172.16.0.5', 'x-forwarded-vpc-id': 'vpc-bp1abc' });
    assert.deepEqual(r, {
      ok: true,
      value: { ip: '172.16.0.5', vpcId: 'vpc-bp1abc', via: 'x-forwarded-for' },
    });
    const bad = resolve('10.0.0.1', { 'x-forwarded-vpc-id': 'VPC X' });
    assert.equal(bad.ok ? 'ok' : bad.error.code, 'InvalidSource.VpcId');
  });

  test('garbage hops from a trusted proxy are faults, never a guess', () => {
    for (const hop of ['unknown', '_hidden', 'example.com', '']) {
      const r = resolve('10.0.0.1', { 'x-forwarded-for': `198.51.100.1, ${hop}` });
      assert.equal(r.ok ? 'ok' : r.error.code, 'InvalidSource.ForwardedAddress', JSON.stringify(hop));
    }
    assert.equal(resolve(undefined).ok, false, 'no peer');
  });
});

describe('hopAddress', () => {
  test('strips ports only where they are unambiguous', () => {
    assert.equal(hopAddress(' 1.2.3.4:5678 '), '1.2.3.4');
    assert.equal(hopAddress('[2a01:4f8::1]:54321'), '2a01:4f8::1');
    assert.equal(hopAddress('[2a01:4f8::1]'), '2a01:4f8::1');
    assert.equal(hopAddress('2a01:4f8::1'), '2a01:4f8::1');
    // Unbracketed IPv6 with a port stays as it is, and then fails strict parsing.
    const apisix = '2607:fea8:bba0:7c00:cd88:f5a6:5fb0:2a56:51108';
    assert.equal(hopAddress(apisix), apisix);
    assert.equal(hopAddress('[2a01:4f8::1]:x'), '[2a01:4f8::1]:x');
  });
});
