import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatAddress, parseAddress } from '../../../src/net/address.js';
import { hopAddress, resolveSource, type SourceOrigin } from '../../../src/request/source/resolve-source.js';
import { type ForwardedHeader, TrustedProxies } from '../../../src/request/source/trusted-proxies.js';

const trustedWith = (header: ForwardedHeader) => {
  const parsed = TrustedProxies.parse(['10.0.0.0/8', 'fd00::/8'], header);
  assert.equal(parsed.ok, true, 'trusted proxies parse');
  if (!parsed.ok) throw new Error('unreachable');
  return parsed.value;
};
const trusted = trustedWith('x-forwarded-for');
const trustingForwarded = trustedWith('forwarded');

const tcp = (address: string | undefined): SourceOrigin => ({
  address,
  addressFrom: 'tcp-peer',
  vpc: undefined,
});

/** A connection whose source address came from a PROXY protocol header. */
const proxied = (address: string): SourceOrigin => ({
  address,
  addressFrom: 'proxy-protocol',
  vpc: undefined,
});

const resolve = (peer: string | undefined, headers: Record<string, string | string[]> = {}) =>
  resolveSource(tcp(peer), headers, trusted);

const spoofing = {
  'x-forwarded-for': '198.51.100.1',
  forwarded: 'for=198.51.100.2',
  'x-forwarded-vpc-id': 'vpc-abc',
};

describe('resolveSource', () => {
  test('an untrusted peer is the source, whatever headers it sends', () => {
    const r = resolve('203.0.113.9', spoofing);
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

  test('RFC 7239 Forwarded when configured, with quoted bracketed IPv6 and ports', () => {
    const r = resolveSource(
      tcp('fd00::1'),
      { forwarded: 'for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711"' },
      trustingForwarded,
    );
    assert.deepEqual(r, { ok: true, value: { ip: '2001:db8:cafe::17', via: 'forwarded' } });
  });

  test('only the configured forwarding header counts: the other may be the client own, passed through', () => {
    // nginx appends the client to X-Forwarded-For but passes the client's Forwarded untouched.
    const headers = { 'x-forwarded-for': '198.51.100.77', forwarded: 'for=203.0.113.5' };
    assert.deepEqual(resolve('10.0.0.2', headers), {
      ok: true,
      value: { ip: '198.51.100.77', via: 'x-forwarded-for' },
    });
    const viaForwarded = resolveSource(
      tcp('10.0.0.2'),
      { 'x-forwarded-for': '203.0.113.5' },
      trustingForwarded,
    );
    assert.deepEqual(viaForwarded, { ok: true, value: { ip: '10.0.0.2', via: 'peer' } });
  });

  test('IPv4-mapped peers are recognised as trusted', () => {
    const r = resolve('::ffff:10.0.0.1', { 'x-forwarded-for': '198.51.100.7' });
    assert.deepEqual(r, { ok: true, value: { ip: '198.51.100.7', via: 'x-forwarded-for' } });
  });

  test('the VPC header counts only from a trusted peer, and must be a VPC ID', () => {
    const r = resolve('10.0.0.1', { 'x-forwarded-for': '172.16.0.5', 'x-forwarded-vpc-id': 'vpc-bp1abc' });
    assert.deepEqual(r, {
      ok: true,
      value: { ip: '172.16.0.5', vpcId: 'vpc-bp1abc', via: 'x-forwarded-for', vpcVia: 'x-forwarded-vpc-id' },
    });
    const bad = resolve('10.0.0.1', { 'x-forwarded-vpc-id': 'VPC X' });
    assert.equal(bad.ok ? 'ok' : bad.error.code, 'InvalidSource.VpcId');
  });

  test('a forwarded hop that the decision could not read is a fault, and an address is shown canonical', () => {
    for (const hop of [
      '198.051.100.7',
      '198.51.100',
      '198.51.100.7.1',
      '::1::',
      '1:2:3:4:5:6:7:8:9',
      '256.1.1.1',
    ]) {
      const r = resolve('10.0.0.1', { 'x-forwarded-for': hop });
      assert.equal(r.ok ? `ok ${r.value.ip}` : r.error.code, 'InvalidSource.ForwardedAddress', hop);
    }
    const canonical = [
      ['2001:DB8:0:0::7', '2001:db8::7'],
      ['::ffff:198.51.100.7', '198.51.100.7'],
      ['[2001:db8::0:7]:443', '2001:db8::7'],
    ];
    for (const [hop, shown] of canonical) {
      assert.deepEqual(resolve('10.0.0.1', { 'x-forwarded-for': hop! }), {
        ok: true,
        value: { ip: shown, via: 'x-forwarded-for' },
      });
    }
  });

  test('an empty X-Forwarded-For names no hop, like an absent one: the trusted peer is the source', () => {
    for (const header of ['', ' ', '\t']) {
      assert.deepEqual(resolve('10.0.0.1', { 'x-forwarded-for': header }), {
        ok: true,
        value: { ip: '10.0.0.1', via: 'peer' },
      });
    }
    assert.deepEqual(resolveSource(tcp('10.0.0.1'), { forwarded: '' }, trustingForwarded), {
      ok: true,
      value: { ip: '10.0.0.1', via: 'peer' },
    });
  });

  test('garbage hops from a trusted proxy are faults, never a guess', () => {
    for (const hop of ['unknown', '_hidden', 'example.com', '']) {
      const r = resolve('10.0.0.1', { 'x-forwarded-for': `198.51.100.1, ${hop}` });
      assert.equal(r.ok ? 'ok' : r.error.code, 'InvalidSource.ForwardedAddress', JSON.stringify(hop));
    }
    assert.equal(resolve(undefined).ok, false, 'no peer');
  });
});

describe('resolveSource from a connection origin', () => {
  test('a PROXY source address is the source, and an untrusted one gets nothing from its headers', () => {
    const r = resolveSource(proxied('203.0.113.9'), spoofing, trusted);
    assert.deepEqual(r, { ok: true, value: { ip: '203.0.113.9', via: 'proxy-protocol' } });
  });

  test('a PROXY source address that is a trusted proxy starts the forwarding walk', () => {
    const r = resolveSource(proxied('10.0.0.7'), { 'x-forwarded-for': '198.51.100.7' }, trusted);
    assert.deepEqual(r, { ok: true, value: { ip: '198.51.100.7', via: 'x-forwarded-for' } });
    const alone = resolveSource(proxied('10.0.0.7'), {}, trusted);
    assert.deepEqual(alone, { ok: true, value: { ip: '10.0.0.7', via: 'proxy-protocol' } });
  });

  test("the connection's VPC is authoritative: no header replaces it, from anyone", () => {
    for (const from of ['listener', 'proxy-protocol'] as const) {
      const vpc = { id: 'vpc-listener1', from };
      /** A connection from `peer` on which the listener (or PROXY header) named the VPC. */
      const inVpc = (peer: string, headers: Record<string, string>) =>
        resolveSource({ address: peer, addressFrom: 'tcp-peer', vpc }, headers, trusted);
      const untrusted = inVpc('172.16.0.9', spoofing);
      assert.deepEqual(untrusted, {
        ok: true,
        value: { ip: '172.16.0.9', via: 'peer', vpcId: 'vpc-listener1', vpcVia: from },
      });
      const fromProxy = inVpc('10.0.0.1', {
        'x-forwarded-for': '172.16.0.5',
        'x-forwarded-vpc-id': 'vpc-other',
      });
      assert.deepEqual(fromProxy, {
        ok: true,
        value: { ip: '172.16.0.5', via: 'x-forwarded-for', vpcId: 'vpc-listener1', vpcVia: from },
      });
      // Even an unreadable VPC header is moot when the connection names the VPC.
      const garbage = inVpc('10.0.0.1', { 'x-forwarded-vpc-id': 'VPC X' });
      assert.equal(garbage.ok, true);
    }
  });

  test('a trusted proxy that names the VPC is recorded as having done so', () => {
    const r = resolve('10.0.0.1', { 'x-forwarded-vpc-id': 'vpc-bp1abc' });
    assert.deepEqual(r, {
      ok: true,
      value: { ip: '10.0.0.1', via: 'peer', vpcId: 'vpc-bp1abc', vpcVia: 'x-forwarded-vpc-id' },
    });
  });

  test('an IPv4-mapped PROXY source is trusted like its IPv4 form', () => {
    const r = resolveSource(proxied('::ffff:10.0.0.1'), { 'x-forwarded-for': '198.51.100.7' }, trusted);
    assert.deepEqual(r, { ok: true, value: { ip: '198.51.100.7', via: 'x-forwarded-for' } });
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

  test('X-Forwarded-For walked in place agrees with splitting it, for any list of hops', () => {
    // The reference: a blank header names no hop; otherwise split on commas, walk right to left,
    // stop at the first untrusted hop; a hop that is no address (after hopAddress) is a fault,
    // an address is kept in canonical form.
    const reference = (peer: string, header: string) => {
      if (header.trim() === '') return `${peer} peer`;
      const hops = header.split(',');
      let ip = peer;
      let via = 'peer';
      for (let i = hops.length - 1; i >= 0; i--) {
        const parsed = parseAddress(hopAddress(hops[i]!));
        if (!parsed.ok) return 'fault';
        const address = formatAddress(parsed.value);
        ip = address;
        via = 'x-forwarded-for';
        if (!trusted.contains(address)) break;
      }
      return `${ip} ${via}`;
    };
    const hop = fc.oneof(
      fc.constantFrom('10.0.0.2', '10.9.9.9', '198.51.100.7', 'fd00::1', '2001:db8::1', '[fd00::2]:443'),
      fc.constantFrom('', ' ', 'unknown', '10.0.0.3:8080', ' 203.0.113.5 ', '::ffff:10.0.0.1'),
      fc.stringMatching(/^[0-9a-f.:[\] ]{0,12}$/),
    );
    fc.assert(
      fc.property(fc.array(hop, { minLength: 1, maxLength: 6 }), (hops) => {
        const header = hops.join(',');
        const r = resolve('10.0.0.1', { 'x-forwarded-for': header });
        const got = r.ok ? `${r.value.ip} ${r.value.via}` : 'fault';
        assert.equal(got, reference('10.0.0.1', header), JSON.stringify(header));
      }),
      { numRuns: 3000 },
    );
  });
});
