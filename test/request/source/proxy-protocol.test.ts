/**
 * The PROXY protocol parser: every field of v1 and v2, every malformed case we know of, headers
 * split at every byte boundary, and properties over random headers (written by the independent
 * encoder in ./proxy-protocol-support.ts) and random garbage. Replay a property failure with
 * FC_SEED=<seed>.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatAddress, parseAddress } from '../../../src/net/address.js';
import { crc32c } from '../../../src/request/source/proxy-protocol/crc32c.js';
import type {
  ParseStep,
  ProxyProtocolMode,
} from '../../../src/request/source/proxy-protocol/proxy-header.js';
import {
  type DecodeStep,
  ProxyHeaderDecoder,
  parseProxyHeader,
} from '../../../src/request/source/proxy-protocol/proxy-header-decoder.js';
import { awsVpceTlv, type Tlv, tlv, V2_SIGNATURE, v1, v2 } from '../../support/proxy-protocol.js';

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const run = (numRuns: number) => (seed === undefined ? { numRuns } : { numRuns, seed });

const HTTP = Buffer.from('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n', 'latin1');

function header(step: ParseStep) {
  assert.equal(step.kind, 'header', JSON.stringify(step));
  if (step.kind !== 'header') throw new Error('unreachable');
  return step;
}

function faultCode(step: ParseStep | DecodeStep): string {
  assert.equal(step.kind, 'fault', JSON.stringify(step));
  return step.kind === 'fault' ? step.fault.code : '';
}

const parse = (bytes: Buffer, mode: ProxyProtocolMode = 'any') => parseProxyHeader(bytes, mode);

describe('crc32c', () => {
  test('the Castagnoli check values', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
    assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  });
});

describe('PROXY v1', () => {
  test('TCP4: every field', () => {
    const step = header(
      parse(Buffer.concat([v1('PROXY TCP4 203.0.113.7 192.0.2.1 56324 443\r\n'), HTTP]), 'v1'),
    );
    assert.equal(step.length, 44);
    assert.deepEqual(step.header, {
      version: 1,
      command: 'proxy',
      source: { address: '203.0.113.7', port: 56324 },
      destination: { address: '192.0.2.1', port: 443 },
      tlvs: [],
      vpcEndpointId: undefined,
    });
  });

  test('TCP6, canonicalised; an IPv4-mapped source is the IPv4 address it stands for', () => {
    const step = header(parse(v1('PROXY TCP6 2001:DB8:0:0::7 ::ffff:192.0.2.9 0 65535\r\n'), 'v1'));
    assert.deepEqual(step.header.source, { address: '2001:db8::7', port: 0 });
    assert.deepEqual(step.header.destination, { address: '192.0.2.9', port: 65535 });
  });

  test('UNKNOWN: the rest of the line is ignored and no endpoint is named', () => {
    for (const line of ['PROXY UNKNOWN\r\n', 'PROXY UNKNOWN ffff:: 1.2.3.4 garbage\r\n']) {
      const step = header(parse(v1(line), 'v1'));
      assert.equal(step.length, line.length);
      assert.equal(step.header.source, undefined);
      assert.equal(step.header.command, 'proxy');
    }
  });

  test('the longest line is 107 bytes, CRLF included', () => {
    const longest = `PROXY UNKNOWN ${'x'.repeat(107 - 16)}\r\n`;
    assert.equal(longest.length, 107);
    assert.equal(header(parse(v1(longest), 'v1')).length, 107);
    const tooLong = `PROXY UNKNOWN ${'x'.repeat(107 - 15)}\r\n`;
    assert.equal(faultCode(parse(v1(tooLong), 'v1')), 'ProxyProtocol.TooLong');
    // Refused as soon as the limit passes, without waiting for a CRLF that would come too late.
    assert.equal(faultCode(parse(v1(`PROXY UNKNOWN ${'x'.repeat(200)}`), 'v1')), 'ProxyProtocol.TooLong');
    const maxTcp6 =
      'PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe 65535 65535\r\n';
    assert.equal(header(parse(v1(maxTcp6), 'v1')).length, maxTcp6.length);
  });

  const malformed: readonly (readonly [string, string])[] = [
    ['PROXY TCP4 203.0.113.7 192.0.2.1 56324 443\n', 'LF without CR'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 56324 443\rX', 'CR without LF'],
    ['PROXY TCP4  203.0.113.7 192.0.2.1 56324 443\r\n', 'two spaces'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 56324 443 \r\n', 'trailing space'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 56324\r\n', 'a field missing'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 56324 443 80\r\n', 'a field too many'],
    ['PROXY TCP5 203.0.113.7 192.0.2.1 56324 443\r\n', 'unknown protocol'],
    ['PROXY tcp4 203.0.113.7 192.0.2.1 56324 443\r\n', 'lower-case protocol'],
    ['PROXY UNKNOWNX\r\n', 'UNKNOWN with a suffix'],
    ['PROXY \r\n', 'nothing after PROXY'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 056324 443\r\n', 'leading zero in a port'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 65536 443\r\n', 'port above 65535'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 -1 443\r\n', 'negative port'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 0x50 443\r\n', 'hexadecimal port'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 +80 443\r\n', 'signed port'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 80 \r\n', 'empty port'],
    ['PROXY TCP4 2001:db8::1 192.0.2.1 80 443\r\n', 'IPv6 under TCP4'],
    ['PROXY TCP4 ::ffff:203.0.113.7 192.0.2.1 80 443\r\n', 'mapped IPv6 under TCP4'],
    ['PROXY TCP6 203.0.113.7 2001:db8::1 80 443\r\n', 'IPv4 under TCP6'],
    ['PROXY TCP4 203.0.113 192.0.2.1 80 443\r\n', 'short IPv4'],
    ['PROXY TCP4 127.1 192.0.2.1 80 443\r\n', 'abbreviated IPv4'],
    ['PROXY TCP4 010.0.0.1 192.0.2.1 80 443\r\n', 'octal-looking IPv4'],
    ['PROXY TCP4 203.0.113.256 192.0.2.1 80 443\r\n', 'octet above 255'],
    ['PROXY TCP6 fe80::1%eth0 2001:db8::1 80 443\r\n', 'zone ID'],
    ['PROXY TCP6 [2001:db8::1] 2001:db8::1 80 443\r\n', 'bracketed IPv6'],
    ['PROXY TCP6 2001:db8:::1 2001:db8::1 80 443\r\n', 'three colons'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 80 44\t3\r\n', 'a tab'],
    ['PROXY TCP4 203.0.113.7\0 192.0.2.1 80 443\r\n', 'a NUL'],
    ['PROXY TCP4 203.0.113.7 192.0.2.1 80 443\u00e9\r\n', 'a non-ASCII byte'],
  ];
  for (const [line, what] of malformed) {
    test(`malformed: ${what}`, () => {
      assert.equal(faultCode(parse(v1(line), 'v1')), 'ProxyProtocol.Malformed');
    });
  }

  test('not a v1 header: refused from the first byte that differs', () => {
    for (const start of ['GET / HTTP/1.1\r\n', 'proxy ', 'PROXY_', 'P R', ' PROXY']) {
      assert.equal(faultCode(parse(v1(start), 'v1')), 'ProxyProtocol.NotAHeader', start);
    }
    assert.equal(
      faultCode(parse(v2({ source: { address: '192.0.2.9', port: 1 } }), 'v1')),
      'ProxyProtocol.NotAHeader',
    );
    assert.equal(parse(v1('PROX'), 'v1').kind, 'incomplete');
    assert.equal(parse(v1('PROXY TCP4 1.2.3.4'), 'v1').kind, 'incomplete');
    assert.equal(parse(v1('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r'), 'v1').kind, 'incomplete');
  });
});

describe('PROXY v2', () => {
  test('TCP over IPv4: every field, and what follows the header is left alone', () => {
    const bytes = v2({
      source: { address: '203.0.113.7', port: 56324 },
      destination: { address: '192.0.2.1', port: 443 },
    });
    assert.equal(bytes.length, 28);
    const step = header(parse(Buffer.concat([bytes, HTTP]), 'v2'));
    assert.equal(step.length, 28);
    assert.deepEqual(step.header, {
      version: 2,
      command: 'proxy',
      source: { address: '203.0.113.7', port: 56324 },
      destination: { address: '192.0.2.1', port: 443 },
      tlvs: [],
      vpcEndpointId: undefined,
    });
  });

  test('TCP over IPv6, and an IPv4-mapped source as IPv4', () => {
    const step = header(
      parse(
        v2({
          source: { address: '2001:db8::7', port: 1 },
          destination: { address: '::ffff:198.51.100.1', port: 2 },
        }),
        'v2',
      ),
    );
    assert.equal(step.length, 52);
    assert.deepEqual(step.header.source, { address: '2001:db8::7', port: 1 });
    assert.deepEqual(step.header.destination, { address: '198.51.100.1', port: 2 });
  });

  test("the AWS TLV's VPC endpoint ID, with the CRC32C checked", () => {
    const step = header(
      parse(
        v2({
          source: { address: '10.1.2.3', port: 40000 },
          tlvs: [tlv(0x04, 'pad'), awsVpceTlv('vpce-0a1b2c3d4e5f67890')],
          crc: true,
        }),
        'v2',
      ),
    );
    assert.equal(step.header.vpcEndpointId, 'vpce-0a1b2c3d4e5f67890');
    assert.deepEqual(
      step.header.tlvs.map((t) => t.type),
      [0x04, 0xea, 0x03],
    );
  });

  test('other AWS subtypes and unknown TLV types are kept and skipped', () => {
    const step = header(
      parse(
        v2({
          source: { address: '10.1.2.3', port: 1 },
          tlvs: [
            tlv(0xea, Buffer.from([0x02, 1, 2, 3])),
            tlv(0xe0, 'anything'),
            tlv(0x01, 'h2'),
            tlv(0x02, 'api.example.com'),
          ],
        }),
        'v2',
      ),
    );
    assert.equal(step.header.vpcEndpointId, undefined);
    assert.deepEqual(
      step.header.tlvs.map((t) => [t.type, t.value.toString('latin1')]),
      [
        [0xea, '\x02\x01\x02\x03'],
        [0xe0, 'anything'],
        [0x01, 'h2'],
        [0x02, 'api.example.com'],
      ],
    );
  });

  test('SSL TLVs with well-formed sub-TLVs, and an empty one, pass', () => {
    const ssl = Buffer.concat([
      Buffer.from([0x07, 0, 0, 0, 0]),
      Buffer.from([0x21, 0, 3]),
      Buffer.from('1.3'),
    ]);
    assert.equal(
      parse(v2({ source: { address: '10.0.0.1', port: 1 }, tlvs: [tlv(0x20, ssl)] }), 'v2').kind,
      'header',
    );
    const bare = Buffer.from([0x01, 0, 0, 0, 0]);
    assert.equal(
      parse(v2({ source: { address: '10.0.0.1', port: 1 }, tlvs: [tlv(0x20, bare)] }), 'v2').kind,
      'header',
    );
  });

  test('LOCAL: the real endpoints stand, whatever the family byte and block say', () => {
    for (const familyTransport of [0x00, 0x11, 0xff]) {
      const bytes = v2({ command: 'local', familyTransport, addressBlock: Buffer.from('ignored') });
      const step = header(parse(bytes, 'v2'));
      assert.equal(step.length, bytes.length);
      assert.equal(step.header.command, 'local');
      assert.equal(step.header.source, undefined);
    }
  });

  test('UNSPEC and UNIX name no IP endpoint', () => {
    assert.equal(header(parse(v2({ familyTransport: 0x00 }), 'v2')).header.source, undefined);
    const unix = header(parse(v2({ familyTransport: 0x31, addressBlock: Buffer.alloc(216, 0x61) }), 'v2'));
    assert.equal(unix.header.source, undefined);
    assert.equal(unix.length, 16 + 216);
  });

  test('the longest header read is 4096 bytes, refused as soon as its length says more', () => {
    const fits = v2({
      source: { address: '10.0.0.1', port: 1 },
      tlvs: [tlv(0xe0, Buffer.alloc(4096 - 28 - 3))],
    });
    assert.equal(fits.length, 4096);
    assert.equal(parse(fits, 'v2').kind, 'header');
    const over = v2({
      source: { address: '10.0.0.1', port: 1 },
      tlvs: [tlv(0xe0, Buffer.alloc(4096 - 28 - 2))],
    });
    assert.equal(faultCode(parse(over.subarray(0, 16), 'v2')), 'ProxyProtocol.TooLong');
  });

  const address = { address: '10.0.0.1', port: 1 };
  const broken: readonly (readonly [string, Buffer, string])[] = [
    ['version 1 in a v2 signature', v2({ source: address, version: 1 }), 'ProxyProtocol.Unsupported'],
    ['version 3', v2({ source: address, version: 3 }), 'ProxyProtocol.Unsupported'],
    [
      'command 2',
      (() => {
        const b = v2({ source: address });
        b[12] = 0x22;
        return b;
      })(),
      'ProxyProtocol.Unsupported',
    ],
    ['UDP over IPv4', v2({ source: address, familyTransport: 0x12 }), 'ProxyProtocol.Unsupported'],
    [
      'UDP over IPv6',
      v2({ familyTransport: 0x22, addressBlock: Buffer.alloc(36) }),
      'ProxyProtocol.Unsupported',
    ],
    [
      'UNIX datagrams',
      v2({ familyTransport: 0x32, addressBlock: Buffer.alloc(216) }),
      'ProxyProtocol.Unsupported',
    ],
    ['family 4', v2({ familyTransport: 0x41 }), 'ProxyProtocol.Unsupported'],
    ['TCP over UNSPEC family', v2({ familyTransport: 0x01 }), 'ProxyProtocol.Unsupported'],
    [
      'IPv4 with UNSPEC transport',
      v2({ familyTransport: 0x10, addressBlock: Buffer.alloc(12) }),
      'ProxyProtocol.Unsupported',
    ],
    [
      'an IPv4 block of 11 bytes',
      v2({ familyTransport: 0x11, addressBlock: Buffer.alloc(11) }),
      'ProxyProtocol.Malformed',
    ],
    [
      'an IPv6 block of 35 bytes',
      v2({ familyTransport: 0x21, addressBlock: Buffer.alloc(35) }),
      'ProxyProtocol.Malformed',
    ],
    [
      'a UNIX block of 215 bytes',
      v2({ familyTransport: 0x31, addressBlock: Buffer.alloc(215) }),
      'ProxyProtocol.Malformed',
    ],
    [
      'two bytes where a TLV needs three',
      v2({
        source: address,
        tlvs: [],
        addressBlock: Buffer.concat([v2({ source: address }).subarray(16), Buffer.from([0xe0, 0])]),
      }),
      'ProxyProtocol.InvalidTlv',
    ],
    [
      'a TLV longer than the header',
      v2({
        source: address,
        addressBlock: Buffer.concat([v2({ source: address }).subarray(16), Buffer.from([0xe0, 0, 5, 1, 2])]),
      }),
      'ProxyProtocol.InvalidTlv',
    ],
    [
      'a CRC32C of 3 bytes',
      v2({ source: address, tlvs: [tlv(0x03, Buffer.alloc(3))] }),
      'ProxyProtocol.InvalidTlv',
    ],
    [
      'two CRC32Cs',
      v2({ source: address, tlvs: [tlv(0x03, Buffer.alloc(4))], crc: true }),
      'ProxyProtocol.InvalidTlv',
    ],
    ['a wrong CRC32C', v2({ source: address, crc: 0x12345678 }), 'ProxyProtocol.ChecksumMismatch'],
    [
      'an AWS TLV without subtype',
      v2({ source: address, tlvs: [tlv(0xea, '')] }),
      'ProxyProtocol.InvalidTlv',
    ],
    ['an empty VPC endpoint ID', v2({ source: address, tlvs: [awsVpceTlv('')] }), 'ProxyProtocol.InvalidTlv'],
    [
      'a VPC endpoint ID with a space',
      v2({ source: address, tlvs: [awsVpceTlv('vpce-1 2')] }),
      'ProxyProtocol.InvalidTlv',
    ],
    [
      'a VPC endpoint ID with a NUL',
      v2({ source: address, tlvs: [awsVpceTlv('vpce-1\0')] }),
      'ProxyProtocol.InvalidTlv',
    ],
    [
      'a VPC endpoint ID of 129 bytes',
      v2({ source: address, tlvs: [awsVpceTlv(`v${'1'.repeat(128)}`)] }),
      'ProxyProtocol.InvalidTlv',
    ],
    [
      'two VPC endpoint IDs',
      v2({ source: address, tlvs: [awsVpceTlv('vpce-1'), awsVpceTlv('vpce-2')] }),
      'ProxyProtocol.InvalidTlv',
    ],
    [
      'a UNIQUE_ID of 129 bytes',
      v2({ source: address, tlvs: [tlv(0x05, Buffer.alloc(129))] }),
      'ProxyProtocol.InvalidTlv',
    ],
    [
      'an SSL TLV of 4 bytes',
      v2({ source: address, tlvs: [tlv(0x20, Buffer.alloc(4))] }),
      'ProxyProtocol.InvalidTlv',
    ],
    [
      'an SSL sub-TLV past its TLV',
      v2({ source: address, tlvs: [tlv(0x20, Buffer.from([1, 0, 0, 0, 0, 0x21, 0, 9, 1]))] }),
      'ProxyProtocol.InvalidTlv',
    ],
  ];
  for (const [what, bytes, code] of broken) {
    test(`refused: ${what}`, () => {
      assert.equal(faultCode(parse(bytes, 'v2')), code);
    });
  }

  test('a UNIQUE_ID of 128 bytes is fine', () => {
    assert.equal(parse(v2({ source: address, tlvs: [tlv(0x05, Buffer.alloc(128))] }), 'v2').kind, 'header');
  });

  test('a CRC32C that covers a changed byte fails', () => {
    const bytes = v2({
      source: { address: '203.0.113.7', port: 1 },
      tlvs: [awsVpceTlv('vpce-1')],
      crc: true,
    });
    bytes[17] ^= 1;
    assert.equal(faultCode(parse(bytes, 'v2')), 'ProxyProtocol.ChecksumMismatch');
  });

  test('not a v2 header: refused from the first byte that differs', () => {
    for (let i = 0; i < V2_SIGNATURE.length; i++) {
      const bytes = Buffer.from(V2_SIGNATURE.subarray(0, i + 1));
      bytes[i] ^= 0x40;
      assert.equal(faultCode(parse(bytes, 'v2')), 'ProxyProtocol.NotAHeader', `byte ${i}`);
      assert.equal(parse(V2_SIGNATURE.subarray(0, i + 1), 'v2').kind, 'incomplete');
    }
    assert.equal(
      faultCode(parse(v1('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'), 'v2')),
      'ProxyProtocol.NotAHeader',
    );
    assert.equal(faultCode(parse(HTTP, 'v2')), 'ProxyProtocol.NotAHeader');
  });
});

describe('any', () => {
  test('tells v1 from v2 by the first byte, and refuses everything else', () => {
    assert.equal(header(parse(v1('PROXY UNKNOWN\r\n'))).header.version, 1);
    assert.equal(header(parse(v2({ source: { address: '10.0.0.1', port: 1 } }))).header.version, 2);
    for (const other of [HTTP, Buffer.from([0x16, 0x03, 0x01]), Buffer.from('\r\nGET')]) {
      assert.equal(faultCode(parse(other)), 'ProxyProtocol.NotAHeader');
    }
    assert.equal(parse(Buffer.alloc(0)).kind, 'incomplete');
  });
});

describe('ProxyHeaderDecoder', () => {
  const samples: readonly (readonly [string, Buffer])[] = [
    ['v1', Buffer.concat([v1('PROXY TCP6 2001:db8::7 2001:db8::1 56324 443\r\n'), HTTP])],
    [
      'v2',
      Buffer.concat([
        v2({
          source: { address: '203.0.113.7', port: 56324 },
          tlvs: [tlv(0x01, 'http/1.1'), awsVpceTlv('vpce-0a1b2c3d')],
          crc: true,
        }),
        HTTP,
      ]),
    ],
  ];

  for (const [name, bytes] of samples) {
    const whole = new ProxyHeaderDecoder('any').push(bytes);
    assert.equal(whole.kind, 'header');

    test(`${name}: split in two at every byte boundary, the same header and the same rest`, () => {
      for (let i = 1; i < bytes.length; i++) {
        const decoder = new ProxyHeaderDecoder('any');
        let step = decoder.push(Buffer.from(bytes.subarray(0, i)));
        // Complete within the first piece: the second is simply more of the rest.
        let unread = bytes.subarray(i);
        if (step.kind === 'incomplete') {
          step = decoder.push(Buffer.from(unread));
          unread = Buffer.alloc(0);
        }
        assert.equal(step.kind, 'header', `split at ${i}`);
        if (step.kind !== 'header' || whole.kind !== 'header') return;
        assert.deepEqual(step.header, whole.header, `split at ${i}`);
        assert.deepEqual(Buffer.concat([step.rest, unread]), whole.rest, `split at ${i}`);
      }
    });

    test(`${name}: one byte at a time`, () => {
      const decoder = new ProxyHeaderDecoder('any');
      let step: DecodeStep = { kind: 'incomplete' };
      let i = 0;
      while (step.kind === 'incomplete') step = decoder.push(bytes.subarray(i, ++i));
      assert.equal(step.kind, 'header');
      if (step.kind !== 'header' || whole.kind !== 'header') return;
      assert.deepEqual(step.header, whole.header);
      // The header ended at byte i; what came with that byte onwards is the rest.
      assert.deepEqual(Buffer.concat([step.rest, bytes.subarray(i)]), whole.rest);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Properties

const port = fc.integer({ min: 0, max: 65_535 });
const ipv4 = fc.integer({ min: 0, max: 0xffff_ffff }).map((value) => formatAddress({ family: 4, value }));
const word = fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }), fc.constantFrom(0, 0xffff));
const ipv6 = fc.tuple(word, word, word, word).map((words) => formatAddress({ family: 6, words }));
const canonical = (address: string) => {
  const parsed = parseAddress(address);
  assert.ok(parsed.ok);
  return formatAddress(parsed.value);
};
const endpointPair = fc.oneof(
  fc.record({ family: fc.constant(4 as const), source: ipv4, destination: ipv4, sport: port, dport: port }),
  fc.record({ family: fc.constant(6 as const), source: ipv6, destination: ipv6, sport: port, dport: port }),
);
// TLV types whose values are not checked, with any value; plus valid ones of the checked types.
const freeTlv: fc.Arbitrary<Tlv> = fc.record({
  type: fc.integer({ min: 0, max: 255 }).filter((t) => ![0x03, 0x05, 0x20, 0xea].includes(t)),
  value: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
});
const endpointId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/);

describe('properties', () => {
  test('v1: encode then parse gives back every field', () => {
    fc.assert(
      fc.property(endpointPair, ({ family, source, destination, sport, dport }) => {
        const line = `PROXY TCP${family} ${source} ${destination} ${sport} ${dport}\r\n`;
        const step = header(parse(v1(line), 'v1'));
        assert.equal(step.length, line.length);
        assert.deepEqual(step.header.source, { address: canonical(source), port: sport });
        assert.deepEqual(step.header.destination, { address: canonical(destination), port: dport });
      }),
      run(500),
    );
  });

  test('v2: encode then parse gives back every field and every TLV in order', () => {
    fc.assert(
      fc.property(
        endpointPair,
        fc.array(freeTlv, { maxLength: 6 }),
        fc.option(endpointId, { nil: undefined }),
        fc.boolean(),
        ({ source, destination, sport, dport }, free, id, crc) => {
          const tlvs = id === undefined ? free : [...free, awsVpceTlv(id)];
          const bytes = v2({
            source: { address: source, port: sport },
            destination: { address: destination, port: dport },
            tlvs,
            ...(crc ? { crc: true as const } : {}),
          });
          const step = header(parse(bytes, 'v2'));
          assert.equal(step.length, bytes.length);
          assert.deepEqual(step.header.source, { address: canonical(source), port: sport });
          assert.deepEqual(step.header.destination, { address: canonical(destination), port: dport });
          assert.equal(step.header.vpcEndpointId, id);
          assert.deepEqual(
            step.header.tlvs.slice(0, tlvs.length).map((t) => [t.type, Buffer.from(t.value)]),
            tlvs.map((t) => [t.type, t.value]),
          );
          assert.equal(step.header.tlvs.length, tlvs.length + (crc ? 1 : 0));
        },
      ),
      run(300),
    );
  });

  test('split anywhere, in any number of pieces, a header decodes the same', () => {
    fc.assert(
      fc.property(
        endpointPair,
        fc.array(freeTlv, { maxLength: 3 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        ({ family, source, destination, sport, dport }, tlvs, cuts, useV1) => {
          const head = useV1
            ? v1(`PROXY TCP${family} ${source} ${destination} ${sport} ${dport}\r\n`)
            : v2({
                source: { address: source, port: sport },
                destination: { address: destination, port: dport },
                tlvs,
              });
          const bytes = Buffer.concat([head, HTTP]);
          const whole = new ProxyHeaderDecoder('any').push(bytes);
          const decoder = new ProxyHeaderDecoder('any');
          let at = 0;
          let step: DecodeStep = { kind: 'incomplete' };
          for (const cut of [...cuts, bytes.length]) {
            if (step.kind !== 'incomplete' || at >= bytes.length) break;
            step = decoder.push(bytes.subarray(at, Math.min(bytes.length, at + cut)));
            at += cut;
          }
          if (step.kind === 'incomplete') step = decoder.push(bytes.subarray(at));
          assert.equal(step.kind, 'header');
          if (step.kind !== 'header' || whole.kind !== 'header') return;
          assert.deepEqual(step.header, whole.header);
          assert.deepEqual(
            Buffer.concat([step.rest, bytes.subarray(Math.min(at, bytes.length))]),
            whole.rest,
          );
        },
      ),
      run(300),
    );
  });

  test('random bytes never throw, in any mode', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((tail) => Uint8Array.from([...V2_SIGNATURE, ...tail])),
          fc
            .string({ maxLength: 120 })
            .map((tail) => Uint8Array.from(Buffer.from(`PROXY ${tail}`, 'latin1'))),
        ),
        fc.constantFrom<ProxyProtocolMode>('v1', 'v2', 'any'),
        (bytes, mode) => {
          const step = parse(Buffer.from(bytes), mode);
          assert.ok(['incomplete', 'header', 'fault'].includes(step.kind));
        },
      ),
      run(2000),
    );
  });

  test('a checksummed header with any byte after its length changed is refused, unless the change hid the checksum', () => {
    const base = v2({
      source: { address: '203.0.113.7', port: 56324 },
      tlvs: [tlv(0x01, 'h2'), awsVpceTlv('vpce-0a1b2c3d')],
      crc: true,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: base.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, flip) => {
          const bytes = Buffer.from(base);
          bytes[at]! ^= flip;
          const step = parse(bytes, 'v2');
          // A changed TLV type or length can turn the CRC32C TLV into another TLV's value, or into
          // an unknown type: the header then simply has no checksum, as one without it may.
          if (step.kind === 'header') {
            assert.ok(!step.header.tlvs.some((t) => t.type === 0x03), `byte ${at} ^ ${flip}`);
          }
        },
      ),
      run(1000),
    );
  });
});
