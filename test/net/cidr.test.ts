/**
 * Unit tests of IPList entry parsing (src/net/cidr.ts): the ranges CIDR blocks cover at every
 * interesting prefix length, host bits, IPv4-mapped blocks, the prefix grammar and every Fault an
 * entry can get. Expected ranges are written out by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fault } from '../../src/net/address-fault.js';
import { fillWord, MAX_ENTRY_LENGTH, maskWord, parseCidr, scanCidr } from '../../src/net/cidr.js';
import { assertRefused } from './assert-refused.js';

type Words = [number, number, number, number];

const ONES = 0xffff_ffff;
const ZERO: Words = [0, 0, 0, 0];
const ALL: Words = [ONES, ONES, ONES, ONES];

interface V4 {
  first: number;
  last: number;
  prefix: number;
  canonical: string;
  hostBitsSet: boolean;
}
interface V6 {
  first: Words;
  last: Words;
  prefix: number;
  canonical: string;
  hostBitsSet: boolean;
}

function assertV4(input: string, expected: V4): void {
  const result = parseCidr(input);
  assert.ok(result.ok, `${JSON.stringify(input)} rejected: ${result.ok ? '' : result.error.message}`);
  assert.deepEqual({ ...result.value }, { family: 4, ...expected }, JSON.stringify(input));
}

function assertV6(input: string, expected: V6): void {
  const result = parseCidr(input);
  assert.ok(result.ok, `${JSON.stringify(input)} rejected: ${result.ok ? '' : result.error.message}`);
  assert.deepEqual({ ...result.value }, { family: 6, ...expected }, JSON.stringify(input));
}

function assertFault(input: string, code: string): void {
  assertRefused(parseCidr(input), input, code);
}

describe('IPv4 ranges', () => {
  const cases: Array<[string, V4]> = [
    ['0.0.0.0/0', { first: 0, last: ONES, prefix: 0, canonical: '0.0.0.0/0', hostBitsSet: false }],
    ['255.255.255.255/0', { first: 0, last: ONES, prefix: 0, canonical: '0.0.0.0/0', hostBitsSet: true }],
    ['0.0.0.0/1', { first: 0, last: 0x7fff_ffff, prefix: 1, canonical: '0.0.0.0/1', hostBitsSet: false }],
    [
      '128.0.0.0/1',
      { first: 0x8000_0000, last: ONES, prefix: 1, canonical: '128.0.0.0/1', hostBitsSet: false },
    ],
    [
      '200.1.2.3/1',
      { first: 0x8000_0000, last: ONES, prefix: 1, canonical: '128.0.0.0/1', hostBitsSet: true },
    ],
    [
      '10.0.0.0/8',
      { first: 0x0a00_0000, last: 0x0aff_ffff, prefix: 8, canonical: '10.0.0.0/8', hostBitsSet: false },
    ],
    [
      '172.16.0.0/12',
      { first: 0xac10_0000, last: 0xac1f_ffff, prefix: 12, canonical: '172.16.0.0/12', hostBitsSet: false },
    ],
    [
      '172.31.255.255/12',
      { first: 0xac10_0000, last: 0xac1f_ffff, prefix: 12, canonical: '172.16.0.0/12', hostBitsSet: true },
    ],
    [
      '192.168.0.0/16',
      { first: 0xc0a8_0000, last: 0xc0a8_ffff, prefix: 16, canonical: '192.168.0.0/16', hostBitsSet: false },
    ],
    [
      '192.0.2.0/24',
      { first: 0xc000_0200, last: 0xc000_02ff, prefix: 24, canonical: '192.0.2.0/24', hostBitsSet: false },
    ],
    [
      '192.0.2.4/30',
      { first: 0xc000_0204, last: 0xc000_0207, prefix: 30, canonical: '192.0.2.4/30', hostBitsSet: false },
    ],
    [
      '192.0.2.5/31',
      { first: 0xc000_0204, last: 0xc000_0205, prefix: 31, canonical: '192.0.2.4/31', hostBitsSet: true },
    ],
    [
      '192.0.2.5/32',
      { first: 0xc000_0205, last: 0xc000_0205, prefix: 32, canonical: '192.0.2.5/32', hostBitsSet: false },
    ],
    [
      '255.255.255.255/31',
      { first: 0xffff_fffe, last: ONES, prefix: 31, canonical: '255.255.255.254/31', hostBitsSet: true },
    ],
    [
      '255.255.255.255/32',
      { first: ONES, last: ONES, prefix: 32, canonical: '255.255.255.255/32', hostBitsSet: false },
    ],
    [
      '1.2.3.4',
      { first: 0x0102_0304, last: 0x0102_0304, prefix: 32, canonical: '1.2.3.4', hostBitsSet: false },
    ],
    ['0.0.0.0', { first: 0, last: 0, prefix: 32, canonical: '0.0.0.0', hostBitsSet: false }],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected.canonical}`, () => assertV4(input, expected));
  }
});

describe('IPv6 ranges', () => {
  const db8 = 0x2001_0db8;
  const cases: Array<[string, V6]> = [
    ['::/0', { first: ZERO, last: ALL, prefix: 0, canonical: '::/0', hostBitsSet: false }],
    ['ffff::1/0', { first: ZERO, last: ALL, prefix: 0, canonical: '::/0', hostBitsSet: true }],
    [
      '::/1',
      {
        first: ZERO,
        last: [0x7fff_ffff, ONES, ONES, ONES],
        prefix: 1,
        canonical: '::/1',
        hostBitsSet: false,
      },
    ],
    [
      '8000::/1',
      { first: [0x8000_0000, 0, 0, 0], last: ALL, prefix: 1, canonical: '8000::/1', hostBitsSet: false },
    ],
    [
      'fe80::/10',
      {
        first: [0xfe80_0000, 0, 0, 0],
        last: [0xfebf_ffff, ONES, ONES, ONES],
        prefix: 10,
        canonical: 'fe80::/10',
        hostBitsSet: false,
      },
    ],
    [
      '2001:db8::/31',
      {
        first: [db8, 0, 0, 0],
        last: [0x2001_0db9, ONES, ONES, ONES],
        prefix: 31,
        canonical: '2001:db8::/31',
        hostBitsSet: false,
      },
    ],
    [
      '2001:db8::/32',
      {
        first: [db8, 0, 0, 0],
        last: [db8, ONES, ONES, ONES],
        prefix: 32,
        canonical: '2001:db8::/32',
        hostBitsSet: false,
      },
    ],
    [
      '2001:db8::/33',
      {
        first: [db8, 0, 0, 0],
        last: [db8, 0x7fff_ffff, ONES, ONES],
        prefix: 33,
        canonical: '2001:db8::/33',
        hostBitsSet: false,
      },
    ],
    [
      '2001:db8:1:2::/63',
      {
        first: [db8, 0x0001_0002, 0, 0],
        last: [db8, 0x0001_0003, ONES, ONES],
        prefix: 63,
        canonical: '2001:db8:1:2::/63',
        hostBitsSet: false,
      },
    ],
    [
      '2001:db8:1:2:3:4:5:6/64',
      {
        first: [db8, 0x0001_0002, 0, 0],
        last: [db8, 0x0001_0002, ONES, ONES],
        prefix: 64,
        canonical: '2001:db8:1:2::/64',
        hostBitsSet: true,
      },
    ],
    [
      '2001:db8:1:2:8000::/65',
      {
        first: [db8, 0x0001_0002, 0x8000_0000, 0],
        last: [db8, 0x0001_0002, ONES, ONES],
        prefix: 65,
        canonical: '2001:db8:1:2:8000::/65',
        hostBitsSet: false,
      },
    ],
    [
      '2001:db8::/96',
      {
        first: [db8, 0, 0, 0],
        last: [db8, 0, 0, ONES],
        prefix: 96,
        canonical: '2001:db8::/96',
        hostBitsSet: false,
      },
    ],
    [
      '2001:db8::/97',
      {
        first: [db8, 0, 0, 0],
        last: [db8, 0, 0, 0x7fff_ffff],
        prefix: 97,
        canonical: '2001:db8::/97',
        hostBitsSet: false,
      },
    ],
    [
      '2001:db8::3/127',
      {
        first: [db8, 0, 0, 2],
        last: [db8, 0, 0, 3],
        prefix: 127,
        canonical: '2001:db8::2/127',
        hostBitsSet: true,
      },
    ],
    [
      '2001:db8::1/128',
      {
        first: [db8, 0, 0, 1],
        last: [db8, 0, 0, 1],
        prefix: 128,
        canonical: '2001:db8::1/128',
        hostBitsSet: false,
      },
    ],
    [
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/127',
      {
        first: [ONES, ONES, ONES, 0xffff_fffe],
        last: ALL,
        prefix: 127,
        canonical: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127',
        hostBitsSet: true,
      },
    ],
    ['::', { first: ZERO, last: ZERO, prefix: 128, canonical: '::', hostBitsSet: false }],
    [
      '2001:DB8:0:0:1::/64',
      {
        first: [db8, 0, 0, 0],
        last: [db8, 0, ONES, ONES],
        prefix: 64,
        canonical: '2001:db8::/64',
        hostBitsSet: true,
      },
    ],
    [
      '::fffe:0:0/95',
      {
        first: [0, 0, 0x0000_fffe, 0],
        last: [0, 0, 0x0000_ffff, ONES],
        prefix: 95,
        canonical: '::fffe:0:0/95',
        hostBitsSet: false,
      },
    ],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected.canonical}`, () => assertV6(input, expected));
  }
  it('first and last are separate arrays that later parses do not change', () => {
    const a = parseCidr('2001:db8::/32');
    parseCidr('::/0');
    parseCidr('fe80::1/128');
    assert.ok(a.ok && a.value.family === 6, '2001:db8::/32 is an IPv6 block');
    assert.notEqual(a.value.first, a.value.last);
    assert.deepEqual(a.value.first, [db8, 0, 0, 0]);
    assert.deepEqual(a.value.last, [db8, ONES, ONES, ONES]);
  });
});

describe('IPv4-mapped blocks are IPv4 blocks with the prefix minus 96', () => {
  const cases: Array<[string, V4]> = [
    [
      '::ffff:10.0.0.0/104',
      { first: 0x0a00_0000, last: 0x0aff_ffff, prefix: 8, canonical: '10.0.0.0/8', hostBitsSet: false },
    ],
    [
      '::ffff:a00:0/104',
      { first: 0x0a00_0000, last: 0x0aff_ffff, prefix: 8, canonical: '10.0.0.0/8', hostBitsSet: false },
    ],
    [
      '::FFFF:A00:0/104',
      { first: 0x0a00_0000, last: 0x0aff_ffff, prefix: 8, canonical: '10.0.0.0/8', hostBitsSet: false },
    ],
    ['::ffff:0.0.0.0/96', { first: 0, last: ONES, prefix: 0, canonical: '0.0.0.0/0', hostBitsSet: false }],
    ['::ffff:0:0/96', { first: 0, last: ONES, prefix: 0, canonical: '0.0.0.0/0', hostBitsSet: false }],
    ['::ffff:1.2.3.4/96', { first: 0, last: ONES, prefix: 0, canonical: '0.0.0.0/0', hostBitsSet: true }],
    [
      '::ffff:1.2.3.4/120',
      { first: 0x0102_0300, last: 0x0102_03ff, prefix: 24, canonical: '1.2.3.0/24', hostBitsSet: true },
    ],
    [
      '::ffff:1.2.3.4/128',
      { first: 0x0102_0304, last: 0x0102_0304, prefix: 32, canonical: '1.2.3.4/32', hostBitsSet: false },
    ],
    [
      '::ffff:1.2.3.4',
      { first: 0x0102_0304, last: 0x0102_0304, prefix: 32, canonical: '1.2.3.4', hostBitsSet: false },
    ],
    [
      '::ffff:128.0.0.0/97',
      { first: 0x8000_0000, last: ONES, prefix: 1, canonical: '128.0.0.0/1', hostBitsSet: false },
    ],
    [
      '0:0:0:0:0:ffff:192.0.2.0/120',
      { first: 0xc000_0200, last: 0xc000_02ff, prefix: 24, canonical: '192.0.2.0/24', hostBitsSet: false },
    ],
    [
      '::ffff:255.255.255.255/127',
      { first: 0xffff_fffe, last: ONES, prefix: 31, canonical: '255.255.255.254/31', hostBitsSet: true },
    ],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected.canonical}`, () => assertV4(input, expected));
  }
  it('a mapped prefix shorter than /96 reaches beyond IPv4 and is refused', () => {
    for (const input of [
      '::ffff:0:0/95',
      '::ffff:10.0.0.0/64',
      '::ffff:1.2.3.4/32',
      '::ffff:1.2.3.4/24',
      '::ffff:0:0/0',
    ]) {
      assertFault(input, 'Prefix.MappedTooShort');
    }
  });
  it('a mapped prefix above /128 is out of range', () => {
    assertFault('::ffff:1.2.3.4/129', 'Prefix.OutOfRange');
    assertFault('::ffff:0:0/200', 'Prefix.OutOfRange');
  });
});

describe('prefix lengths: plain decimal, 0-32 or 0-128', () => {
  it('accepts 0 and every length up to the family maximum', () => {
    for (let p = 0; p <= 32; p++) {
      const result = parseCidr(`0.0.0.0/${p}`);
      assert.ok(result.ok && result.value.prefix === p, `/${p}`);
    }
    for (let p = 0; p <= 128; p++) {
      const result = parseCidr(`::/${p}`);
      assert.ok(result.ok && result.value.prefix === p, `/${p}`);
    }
  });
  const v4: Array<[string, string]> = [
    ['', 'Prefix.NotDecimal'],
    ['00', 'Prefix.NotDecimal'],
    ['01', 'Prefix.NotDecimal'],
    ['032', 'Prefix.NotDecimal'],
    ['+8', 'Prefix.NotDecimal'],
    ['-8', 'Prefix.NotDecimal'],
    ['8.0', 'Prefix.NotDecimal'],
    ['x', 'Prefix.NotDecimal'],
    ['0x20', 'Prefix.NotDecimal'],
    ['1e1', 'Prefix.NotDecimal'],
    ['\u0663', 'Prefix.NotDecimal'],
    ['８', 'Prefix.NotDecimal'],
    ['8/8', 'Prefix.NotDecimal'],
    ['8%eth0', 'Prefix.NotDecimal'],
    ['33', 'Prefix.OutOfRange'],
    ['99', 'Prefix.OutOfRange'],
    ['128', 'Prefix.OutOfRange'],
    ['129', 'Prefix.OutOfRange'],
    ['999', 'Prefix.OutOfRange'],
    ['1000', 'Prefix.OutOfRange'],
    ['4294967304', 'Prefix.OutOfRange'],
    [' 8', 'Address.Whitespace'],
    ['8 ', 'Address.Whitespace'],
    ['\t8', 'Address.Whitespace'],
    ['1 6', 'Address.Whitespace'],
  ];
  for (const [prefix, code] of v4) {
    it(`1.2.3.4/${JSON.stringify(prefix).slice(1, -1)} → ${code}`, () =>
      assertFault(`1.2.3.4/${prefix}`, code));
  }
  const v6: Array<[string, string]> = [
    ['129', 'Prefix.OutOfRange'],
    ['200', 'Prefix.OutOfRange'],
    ['1000', 'Prefix.OutOfRange'],
    ['0128', 'Prefix.NotDecimal'],
    ['064', 'Prefix.NotDecimal'],
    ['', 'Prefix.NotDecimal'],
    ['64 ', 'Address.Whitespace'],
  ];
  for (const [prefix, code] of v6) {
    it(`2001:db8::/${prefix} → ${code}`, () => assertFault(`2001:db8::/${prefix}`, code));
  }
  it('the prefix appears in the canonical form only when it was written', () => {
    const cases: Array<[string, string]> = [
      ['1.2.3.4', '1.2.3.4'],
      ['1.2.3.4/32', '1.2.3.4/32'],
      ['::1', '::1'],
      ['::1/128', '::1/128'],
      ['::ffff:1.2.3.4', '1.2.3.4'],
      ['::ffff:1.2.3.4/128', '1.2.3.4/32'],
    ];
    for (const [input, canonical] of cases) {
      const result = parseCidr(input);
      assert.ok(result.ok, input);
      assert.equal(result.value.canonical, canonical, input);
    }
  });
});

describe('invalid entries: every Fault an entry can get', () => {
  const cases: Array<[string, string[]]> = [
    ['Address.Empty', ['', '/8', '/']],
    ['Address.TooLong', ['1111:2222:3333:4444:5555:6666:255.255.255.255/1280', `1.2.3.4/${'1'.repeat(50)}`]],
    ['Address.Whitespace', [' 1.2.3.4/8', '1.2.3.4 /8', '1.2.3.4/8\n', '::1/\t64']],
    ['Address.InvalidCharacter', ['1.2.3.x/8', '[::1]/128', '1.2.3.4,5.6.7.8', 'localhost', '*']],
    ['Address.IPv4.PartCount', ['1.2.3/24', '10/8', '10.0/16', '1.2.3.4.5/32']],
    ['Address.IPv4.EmptyPart', ['1.2..4/8', '1.2.3./8']],
    ['Address.IPv4.LeadingZero', ['01.2.3.4/8', '10.00.0.0/16']],
    ['Address.IPv4.OctetRange', ['256.0.0.0/8', '1.2.3.400/32']],
    ['Address.IPv6.GroupTooLong', ['20010::/16']],
    ['Address.IPv6.GroupCount', ['1:2:3:4:5:6:7/64', '1:2:3:4:5:6:7:8:9/64']],
    ['Address.IPv6.MultipleDoubleColon', ['1::2::3/64']],
    ['Address.IPv6.ZoneId', ['fe80::1%eth0/64', 'fe80::%2/10']],
    ['Address.IPv6.EmbeddedIPv4', ['::1.2.3/96', '::ffff:1.2.3.256/128']],
    ['Address.IPv6.EmptyGroup', ['1::2:/64', ':1::/64', ':::/0']],
    ['Prefix.NotDecimal', ['1.2.3.4/', '1.2.3.4/08', '::/+0']],
    ['Prefix.OutOfRange', ['1.2.3.4/33', '::/129']],
    ['Prefix.MappedTooShort', ['::ffff:0:0/95']],
  ];
  for (const [code, inputs] of cases) {
    for (const input of inputs) {
      it(`${JSON.stringify(input)} → ${code}`, () => assertFault(input, code));
    }
  }
  it('the address is judged before the prefix', () => {
    assertFault('1.2.3/99', 'Address.IPv4.PartCount');
    assertFault('01.2.3.4/-1', 'Address.IPv4.LeadingZero');
  });
  it('the length limit fits the longest valid entry exactly', () => {
    const longest = '0000:0000:0000:0000:0000:ffff:255.255.255.255/128';
    assert.equal(longest.length, MAX_ENTRY_LENGTH);
    assert.ok(parseCidr(longest).ok, longest);
  });
});

describe('scanCidr (allocation-free, host bits left in place)', () => {
  const out = new Uint32Array(4);
  it('returns family * 256 + prefix and the address as written', () => {
    assert.equal(scanCidr('10.1.2.3/8', out), 4 * 256 + 8);
    assert.equal(out[0], 0x0a01_0203);
    assert.equal(scanCidr('1.2.3.4', out), 4 * 256 + 32);
    assert.equal(out[0], 0x0102_0304);
    assert.equal(scanCidr('2001:db8::1/64', out), 6 * 256 + 64);
    assert.deepEqual([...out], [0x2001_0db8, 0, 0, 1]);
    assert.equal(scanCidr('::', out), 6 * 256 + 128);
    assert.deepEqual([...out], [0, 0, 0, 0]);
    assert.equal(scanCidr('0.0.0.0/0', out), 4 * 256);
  });
  it('reports a mapped block as IPv4 with the prefix minus 96', () => {
    assert.equal(scanCidr('::ffff:1.2.3.4/120', out), 4 * 256 + 24);
    assert.equal(out[0], 0x0102_0304);
    assert.equal(scanCidr('::ffff:0:0/96', out), 4 * 256);
  });
  it('returns faults as negative numbers', () => {
    assert.equal(scanCidr('', out), Fault.Empty);
    assert.equal(scanCidr('1.2.3.4/33', out), Fault.PrefixOutOfRange);
    assert.equal(scanCidr('::ffff:0:0/95', out), Fault.MappedPrefixTooShort);
    assert.equal(scanCidr('1.2.3.4/08', out), Fault.PrefixNotDecimal);
    assert.equal(scanCidr('1.2.3/8', out), Fault.IPv4PartCount);
    assert.equal(scanCidr('x'.repeat(50), out), Fault.TooLong);
  });
});

describe('maskWord and fillWord', () => {
  const cases: Array<[number, number, number, number, number]> = [
    // word, wordIndex, prefix, masked, filled
    [ONES, 0, 0, 0, ONES],
    [ONES, 0, 1, 0x8000_0000, ONES],
    [0, 0, 1, 0, 0x7fff_ffff],
    [0x1234_5678, 0, 16, 0x1234_0000, 0x1234_ffff],
    [ONES, 0, 31, 0xffff_fffe, ONES],
    [0x1234_5678, 0, 32, 0x1234_5678, 0x1234_5678],
    [0x1234_5678, 0, 128, 0x1234_5678, 0x1234_5678],
    [0x1234_5678, 1, 32, 0, ONES],
    [0x8765_4321, 1, 33, 0x8000_0000, ONES],
    [0x8765_4321, 1, 40, 0x8700_0000, 0x87ff_ffff],
    [0x8765_4321, 3, 96, 0, ONES],
    [0x8765_4321, 3, 127, 0x8765_4320, 0x8765_4321],
    [0x8765_4321, 3, 128, 0x8765_4321, 0x8765_4321],
    [0x8765_4320, 3, 127, 0x8765_4320, 0x8765_4321],
  ];
  for (const [word, index, prefix, masked, filled] of cases) {
    it(`word ${index} = ${word.toString(16)} at /${prefix}`, () => {
      assert.equal(maskWord(word, index, prefix), masked);
      assert.equal(fillWord(word, index, prefix), filled);
    });
  }
});
