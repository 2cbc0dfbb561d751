/**
 * Unit tests of strict address parsing (src/net/address.ts, ipv4.ts, ipv6.ts, address-fault.ts):
 * every RFC 4291 §2.2 text shape, every Fault an address can get, the scanners on slices of a
 * longer string, and RFC 5952 formatting. Expected values are written out by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAddress, MAX_ADDRESS_LENGTH, parseAddress, scanAddress } from '../../src/net/address.js';
import { describeFault, Fault, faultForCharacter } from '../../src/net/address-fault.js';
import { formatIPv4, scanIPv4 } from '../../src/net/ipv4.js';
import { formatIPv6, scanIPv6 } from '../../src/net/ipv6.js';
import { assertRefused } from './assert-refused.js';

type Words = [number, number, number, number];

function assertV4(input: string, value: number, text: string): void {
  const result = parseAddress(input);
  assert.deepEqual(
    result,
    { ok: true, value: { family: 4, value } },
    `parseAddress(${JSON.stringify(input)})`,
  );
  assert.equal(formatAddress({ family: 4, value }), text);
}

function assertV6(input: string, words: Words, text: string): void {
  const result = parseAddress(input);
  assert.deepEqual(
    result,
    { ok: true, value: { family: 6, words } },
    `parseAddress(${JSON.stringify(input)})`,
  );
  assert.equal(formatAddress({ family: 6, words }), text);
}

function assertFault(input: string, code: string): void {
  assertRefused(parseAddress(input), input, code);
}

describe('IPv4: four decimal parts, 0-255, no leading zeros', () => {
  const valid: Array<[string, number]> = [
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffff_ffff],
    ['1.2.3.4', 0x0102_0304],
    ['127.0.0.1', 0x7f00_0001],
    ['10.0.0.255', 0x0a00_00ff],
    ['100.200.250.199', 0x64c8_fac7],
    ['128.0.0.0', 0x8000_0000],
    ['192.168.1.1', 0xc0a8_0101],
    ['9.99.199.249', 0x0963_c7f9],
    ['0.10.100.0', 0x000a_6400],
  ];
  for (const [input, value] of valid) {
    it(`accepts ${input}`, () => assertV4(input, value, input));
  }
  it('returns unsigned values (no negative numbers above 2^31)', () => {
    const result = parseAddress('200.0.0.1');
    assert.ok(result.ok && result.value.family === 4, '200.0.0.1 is IPv4');
    assert.equal(result.value.value, 3355443201);
  });
});

describe('IPv6: every RFC 4291 §2.2 shape', () => {
  it('preferred form x:x:x:x:x:x:x:x (RFC 4291 examples)', () => {
    assertV6(
      'ABCD:EF01:2345:6789:ABCD:EF01:2345:6789',
      [0xabcd_ef01, 0x2345_6789, 0xabcd_ef01, 0x2345_6789],
      'abcd:ef01:2345:6789:abcd:ef01:2345:6789',
    );
    assertV6(
      '2001:DB8:0:0:8:800:200C:417A',
      [0x2001_0db8, 0, 0x0008_0800, 0x200c_417a],
      '2001:db8::8:800:200c:417a',
    );
    assertV6(
      '2001:0db8:0000:0000:0008:0800:200c:417a',
      [0x2001_0db8, 0, 0x0008_0800, 0x200c_417a],
      '2001:db8::8:800:200c:417a',
    );
    assertV6('FF01:0:0:0:0:0:0:101', [0xff01_0000, 0, 0, 0x0000_0101], 'ff01::101');
    assertV6('0:0:0:0:0:0:0:1', [0, 0, 0, 1], '::1');
    assertV6('0:0:0:0:0:0:0:0', [0, 0, 0, 0], '::');
  });
  it('compressed with "::" (RFC 4291 examples)', () => {
    assertV6(
      '2001:DB8::8:800:200C:417A',
      [0x2001_0db8, 0, 0x0008_0800, 0x200c_417a],
      '2001:db8::8:800:200c:417a',
    );
    assertV6('FF01::101', [0xff01_0000, 0, 0, 0x0000_0101], 'ff01::101');
    assertV6('::1', [0, 0, 0, 1], '::1');
    assertV6('::', [0, 0, 0, 0], '::');
  });
  it('"::" at the start, in the middle and at the end', () => {
    assertV6('::2:3', [0, 0, 0, 0x0002_0003], '::2:3');
    assertV6('1::8', [0x0001_0000, 0, 0, 8], '1::8');
    assertV6('1:2::', [0x0001_0002, 0, 0, 0], '1:2::');
    assertV6('1:2:3::6:7:8', [0x0001_0002, 0x0003_0000, 0x0000_0006, 0x0007_0008], '1:2:3::6:7:8');
    assertV6('fe80::', [0xfe80_0000, 0, 0, 0], 'fe80::');
  });
  it('"::" standing for exactly one zero group', () => {
    assertV6('::2:3:4:5:6:7:8', [0x0000_0002, 0x0003_0004, 0x0005_0006, 0x0007_0008], '0:2:3:4:5:6:7:8');
    assertV6('1::3:4:5:6:7:8', [0x0001_0000, 0x0003_0004, 0x0005_0006, 0x0007_0008], '1:0:3:4:5:6:7:8');
    assertV6('1:2:3:4:5:6:7::', [0x0001_0002, 0x0003_0004, 0x0005_0006, 0x0007_0000], '1:2:3:4:5:6:7:0');
  });
  it('embedded dotted IPv4 in the last 32 bits (RFC 4291 examples)', () => {
    assertV6('0:0:0:0:0:0:13.1.68.3', [0, 0, 0, 0x0d01_4403], '::d01:4403');
    assertV6('::13.1.68.3', [0, 0, 0, 0x0d01_4403], '::d01:4403');
    assertV4('0:0:0:0:0:FFFF:129.144.52.38', 0x8190_3426, '129.144.52.38');
    assertV4('::FFFF:129.144.52.38', 0x8190_3426, '129.144.52.38');
  });
  it('embedded dotted IPv4 after six groups, and after "::" in the middle', () => {
    assertV6(
      '1:2:3:4:5:6:1.2.3.4',
      [0x0001_0002, 0x0003_0004, 0x0005_0006, 0x0102_0304],
      '1:2:3:4:5:6:102:304',
    );
    assertV6(
      '1:2:3:4:5::1.2.3.4',
      [0x0001_0002, 0x0003_0004, 0x0005_0000, 0x0102_0304],
      '1:2:3:4:5:0:102:304',
    );
    assertV6('1::1.2.3.4', [0x0001_0000, 0, 0, 0x0102_0304], '1::102:304');
    assertV6('64:ff9b::0.0.0.0', [0x0064_ff9b, 0, 0, 0], '64:ff9b::');
    assertV6('::255.255.255.255', [0, 0, 0, 0xffff_ffff], '::ffff:ffff');
  });
  it('upper, lower and mixed case hex', () => {
    assertV6(
      'FEDC:BA98:7654:3210:FEDC:BA98:7654:3210',
      [0xfedc_ba98, 0x7654_3210, 0xfedc_ba98, 0x7654_3210],
      'fedc:ba98:7654:3210:fedc:ba98:7654:3210',
    );
    assertV6('fEdC::aBcD', [0xfedc_0000, 0, 0, 0xabcd], 'fedc::abcd');
  });
  it('leading zeros within a group of at most four hex digits', () => {
    assertV6('0001:0002::000a', [0x0001_0002, 0, 0, 0x000a], '1:2::a');
    assertV6('0000:0000:0000:0000:0000:0000:0000:0001', [0, 0, 0, 1], '::1');
    assertV6('00fe:0:0:0:0:0:0:00', [0x00fe_0000, 0, 0, 0], 'fe::');
  });
  it('unsigned words for groups with the high bit set', () => {
    assertV6(
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      [0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff],
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    );
    assertV6('8000::8000:0', [0x8000_0000, 0, 0, 0x8000_0000], '8000::8000:0');
  });
});

describe('IPv4-mapped IPv6 (::ffff:0:0/96) is IPv4; its neighbours are not', () => {
  it('mapped, dotted and hex, any case and compression', () => {
    assertV4('::ffff:1.2.3.4', 0x0102_0304, '1.2.3.4');
    assertV4('::ffff:102:304', 0x0102_0304, '1.2.3.4');
    assertV4('0:0:0:0:0:FFFF:0102:0304', 0x0102_0304, '1.2.3.4');
    assertV4('::ffff:0.0.0.0', 0, '0.0.0.0');
    assertV4('::ffff:0:0', 0, '0.0.0.0');
    assertV4('::ffff:ffff:ffff', 0xffff_ffff, '255.255.255.255');
  });
  it('neighbouring prefixes stay IPv6', () => {
    assertV6('::fffe:1.2.3.4', [0, 0, 0x0000_fffe, 0x0102_0304], '::fffe:102:304');
    assertV6('::1:ffff:1.2.3.4', [0, 0, 0x0001_ffff, 0x0102_0304], '::1:ffff:102:304');
    assertV6('1::ffff:1.2.3.4', [0x0001_0000, 0, 0x0000_ffff, 0x0102_0304], '1::ffff:102:304');
    assertV6('::ffff:1:1.2.3.4', [0, 0, 0xffff_0001, 0x0102_0304], '::ffff:1:102:304');
    assertV6('ffff::1.2.3.4', [0xffff_0000, 0, 0, 0x0102_0304], 'ffff::102:304');
  });
});

describe('invalid addresses: every Fault an address can get', () => {
  const cases: Array<[string, string[]]> = [
    ['Address.Empty', ['']],
    [
      'Address.TooLong',
      ['0000:0000:0000:0000:0000:ffff:255.255.255.2555', 'a'.repeat(46), `${'1.'.repeat(50)}1`],
    ],
    [
      'Address.Whitespace',
      [' 1.2.3.4', '1.2.3.4 ', '1.2.3 .4', '\n::1', '::1\r', '1:\t:2', '1.2.3.4\u00a0', '\u30001.2.3.4'],
    ],
    [
      'Address.InvalidCharacter',
      [
        '1.2.3.z',
        'w.x.y.z',
        '+1.2.3.4',
        '-1.2.3.4',
        '1.2.3.-4',
        '1.2.3.4:80',
        '1.2.3.4/8',
        '::1/128',
        'g::1',
        '::g',
        '1:2:3:4:5:6:7:8x',
        '[::1]',
        '1,2,3,4',
        '1.2.3.4\u0000',
        'localhost',
        '\u0661.2.3.4',
      ],
    ],
    ['Address.IPv4.PartCount', ['1', '255', '1.2', '1.2.3', '1.2.3.4.5', '1.2.3.4.', '0.0.0.0.0']],
    ['Address.IPv4.EmptyPart', ['1..2.3', '.1.2.3', '1.2.3.', '.', '...', '1.2..4']],
    [
      'Address.IPv4.LeadingZero',
      ['01.2.3.4', '1.02.3.4', '1.2.3.00', '00.0.0.0', '1.2.3.0255', '0000.1.1.1'],
    ],
    [
      'Address.IPv4.OctetRange',
      ['256.0.0.0', '1.2.3.256', '1.2.3.999', '1.2.3.1000', '300.1.1.1', '4294967295'],
    ],
    ['Address.IPv6.GroupTooLong', ['12345::', '::00000', '1:2:3:4:5:6:7:10000', 'fffff::1', '1:22222::']],
    [
      'Address.IPv6.GroupCount',
      [
        '1:2:3:4:5:6:7',
        '1:2:3:4:5:6:7:8:9',
        '1::2:3:4:5:6:7:8',
        '::1:2:3:4:5:6:7:8',
        '1:2:3:4:5:6:7:8::',
        '1:2:3:4:5:1.2.3.4',
        '::1:2:3:4:5:6:1.2.3.4',
        '1:2',
      ],
    ],
    ['Address.IPv6.MultipleDoubleColon', ['1::2::3', '::1::', '::1:2::', '1::2:3::4']],
    ['Address.IPv6.ZoneId', ['fe80::1%eth0', 'fe80::1%25eth0', 'fe80::%1', '::1%', '1.2.3.4%1']],
    [
      'Address.IPv6.EmbeddedIPv4',
      [
        '::1.2.3',
        '::1.2.3.256',
        '::01.2.3.4',
        '::1.2.3.4:5',
        '::1.2.3.4.5',
        '::1.2.3.4::',
        '1:2:3:4:5:6:7:1.2.3.4',
        '::ffff:1.2.3.',
        '::.1.2.3',
        '::ffff:1a.2.3.4',
      ],
    ],
    [
      'Address.IPv6.EmptyGroup',
      [':', ':1::', ':1:2:3:4:5:6:7:8', '1::2:', '1:2:3:4:5:6:7:', ':::', '1:::2', '::1:'],
    ],
  ];
  for (const [code, inputs] of cases) {
    for (const input of inputs) {
      it(`${JSON.stringify(input.length > 50 ? `${input.slice(0, 50)}…` : input)} → ${code}`, () =>
        assertFault(input, code));
    }
  }
});

describe('fault codes and messages', () => {
  it('every Fault has its stable code', () => {
    const expected: Record<keyof typeof Fault, string> = {
      Empty: 'Address.Empty',
      TooLong: 'Address.TooLong',
      Whitespace: 'Address.Whitespace',
      InvalidCharacter: 'Address.InvalidCharacter',
      IPv4PartCount: 'Address.IPv4.PartCount',
      IPv4EmptyPart: 'Address.IPv4.EmptyPart',
      IPv4LeadingZero: 'Address.IPv4.LeadingZero',
      IPv4OctetRange: 'Address.IPv4.OctetRange',
      IPv6GroupTooLong: 'Address.IPv6.GroupTooLong',
      IPv6GroupCount: 'Address.IPv6.GroupCount',
      IPv6MultipleDoubleColon: 'Address.IPv6.MultipleDoubleColon',
      IPv6ZoneId: 'Address.IPv6.ZoneId',
      IPv6EmbeddedIPv4: 'Address.IPv6.EmbeddedIPv4',
      IPv6EmptyGroup: 'Address.IPv6.EmptyGroup',
      PrefixNotDecimal: 'Prefix.NotDecimal',
      PrefixOutOfRange: 'Prefix.OutOfRange',
      MappedPrefixTooShort: 'Prefix.MappedTooShort',
    };
    assert.deepEqual(Object.keys(Fault).sort(), Object.keys(expected).sort());
    for (const [name, code] of Object.entries(expected)) {
      const fault = Fault[name as keyof typeof Fault];
      assert.ok(fault < 0, `${name} is negative (scanners return it in place of a family)`);
      assert.equal(describeFault(fault).code, code, name);
      assert.ok(describeFault(fault).reason.length > 5, name);
    }
    assert.equal(new Set(Object.values(Fault)).size, Object.keys(Fault).length, 'fault numbers are distinct');
  });
  it('faultForCharacter: whitespace, "%" and anything else', () => {
    for (const c of [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u3000']) {
      assert.equal(faultForCharacter(c.charCodeAt(0)), Fault.Whitespace, JSON.stringify(c));
    }
    assert.equal(faultForCharacter('%'.charCodeAt(0)), Fault.IPv6ZoneId);
    for (const c of ['x', '/', '[', ']', ',', ';', '-', '+', '\u0000', '\uff11', 'g']) {
      assert.equal(faultForCharacter(c.charCodeAt(0)), Fault.InvalidCharacter, JSON.stringify(c));
    }
  });
  it('the message quotes the input and says what is wrong', () => {
    const result = parseAddress('1.2.3.04');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(Object.keys(result.error).sort(), ['code', 'input', 'message']);
    assert.match(result.error.message, /^"1\.2\.3\.04" .*leading zero/);
  });
  it('the message of a very long input stays short but still shows its start', () => {
    const input = `10.0.0.1${'9'.repeat(5000)}`;
    const result = parseAddress(input);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.code, 'Address.TooLong');
    assert.equal(result.error.input, input);
    assert.ok(result.error.message.startsWith('"10.0.0.1999'), result.error.message);
    assert.ok(result.error.message.length < 200, `${result.error.message.length} characters`);
  });
  it('a hex digit in an IPv4 part is not called a character that no address contains', () => {
    for (const input of ['c0.0.0.0', '1.2.3.a', 'a.b.c.d', 'ffff', 'fe80', '10.0.0.1f']) {
      const result = parseAddress(input);
      assert.equal(result.ok, false, input);
      if (result.ok) continue;
      const untrue = /not part of an IPv4 or IPv6 address/.test(result.error.message);
      assert.ok(!untrue, `${input}: ${result.error.code}: ${result.error.message}`);
    }
  });
  it('control characters are escaped in the message, not printed raw', () => {
    const result = parseAddress('1.2.3.4\n');
    assert.equal(result.ok, false);
    if (!result.ok) assert.ok(!result.error.message.includes('\n'), result.error.message);
  });
});

describe('results do not share the scanners’ scratch buffers', () => {
  it('an earlier IPv6 result keeps its words after later parses', () => {
    const first = parseAddress('2001:db8::1');
    const second = parseAddress('fe80::2');
    parseAddress('1:2:3:4:5:6:7:8:9');
    assert.deepEqual(first, { ok: true, value: { family: 6, words: [0x2001_0db8, 0, 0, 1] } });
    assert.deepEqual(second, { ok: true, value: { family: 6, words: [0xfe80_0000, 0, 0, 2] } });
  });
  it('a failed scan leaves nothing behind for the next one', () => {
    assertFault('1:2:3:4:5:6:7:8:9', 'Address.IPv6.GroupCount');
    assertV6('1::', [0x0001_0000, 0, 0, 0], '1::');
    assertFault('9:9:9:9:9:9:9::9', 'Address.IPv6.GroupCount');
    assertV6('::9', [0, 0, 0, 9], '::9');
  });
});

describe('scanners on a slice of a longer string', () => {
  const out = new Uint32Array(4);
  it('scanAddress returns 4 with the address in out[0]', () => {
    assert.equal(scanAddress('x1.2.3.4y', 1, 8, out), 4);
    assert.equal(out[0], 0x0102_0304);
    assert.equal(scanAddress('for=192.0.2.60;proto=http', 4, 14, out), 4);
    assert.equal(out[0], 0xc000_023c);
  });
  it('scanAddress returns 6 with four big-endian words in out', () => {
    assert.equal(scanAddress('[2001:db8::1]:443', 1, 12, out), 6);
    assert.deepEqual([...out], [0x2001_0db8, 0, 0, 1]);
  });
  it('scanAddress reports a mapped address as 4', () => {
    out.fill(0xdead_beef);
    assert.equal(scanAddress('"::ffff:10.1.2.3"', 1, 16, out), 4);
    assert.equal(out[0], 0x0a01_0203);
  });
  it('characters outside [start, end) are never read', () => {
    assert.equal(scanAddress('1.2.3.45', 0, 7, out), 4);
    assert.equal(out[0], 0x0102_0304);
    assert.equal(scanAddress('1.2.3.4.5', 0, 7, out), 4);
    assert.equal(scanAddress('fe80::1%eth0', 0, 7, out), 6);
    assert.deepEqual([...out], [0xfe80_0000, 0, 0, 1]);
    assert.equal(scanAddress('::1:', 0, 3, out), 6);
    assert.deepEqual([...out], [0, 0, 0, 1]);
    assert.equal(scanAddress('::ffff:1.2.3.45', 0, 14, out), 4);
    assert.equal(out[0], 0x0102_0304);
    assert.equal(scanAddress('99.1.2.3.4', 3, 10, out), 4);
    assert.equal(out[0], 0x0102_0304);
    assert.equal(scanAddress('1::', 0, 2, out), Fault.IPv6EmptyGroup);
  });
  it('faults come back as negative numbers', () => {
    assert.equal(scanAddress('abc', 1, 1, out), Fault.Empty);
    assert.equal(scanAddress('abc', 2, 1, out), Fault.Empty);
    assert.equal(scanAddress('01.2.3.4', 0, 8, out), Fault.IPv4LeadingZero);
    assert.equal(scanAddress('1::2::3', 0, 7, out), Fault.IPv6MultipleDoubleColon);
  });
  it('the length limit applies to the slice, not to the whole string', () => {
    const s = `${'z'.repeat(1000)}1.2.3.4${'z'.repeat(1000)}`;
    assert.equal(scanAddress(s, 1000, 1007, out), 4);
    assert.equal(out[0], 0x0102_0304);
    assert.equal(scanAddress(s, 0, s.length, out), Fault.TooLong);
    assert.equal(MAX_ADDRESS_LENGTH, '0000:0000:0000:0000:0000:ffff:255.255.255.255'.length);
  });
  it('scanIPv4 and scanIPv6 directly', () => {
    assert.equal(scanIPv4('a255.255.255.255b', 1, 16), 0xffff_ffff);
    assert.equal(scanIPv4('1.2.3.4', 0, 7), 0x0102_0304);
    assert.equal(scanIPv4('', 0, 0), Fault.Empty);
    assert.equal(scanIPv4('1.2.3', 0, 5), Fault.IPv4PartCount);
    assert.equal(scanIPv6('(::ffff:1.2.3.4)', 1, 15, out), 0);
    assert.deepEqual([...out], [0, 0, 0x0000_ffff, 0x0102_0304]);
    assert.equal(scanIPv6('1:2:3:4:5:6:7:8', 0, 15, out), 0);
    assert.deepEqual([...out], [0x0001_0002, 0x0003_0004, 0x0005_0006, 0x0007_0008]);
    assert.equal(scanIPv6('1:2:3:4:5:6:7:8', 0, 13, out), Fault.IPv6GroupCount);
  });
});

describe('formatIPv4', () => {
  const cases: Array<[number, string]> = [
    [0, '0.0.0.0'],
    [0xffff_ffff, '255.255.255.255'],
    [0x0102_0304, '1.2.3.4'],
    [0x8000_0000, '128.0.0.0'],
    [0xc0a8_0001, '192.168.0.1'],
    [0x00ff_00ff, '0.255.0.255'],
  ];
  for (const [value, text] of cases) {
    it(`${value.toString(16)} → ${text}`, () => assert.equal(formatIPv4(value), text));
  }
});

describe('formatIPv6 (RFC 5952 §4)', () => {
  const g = (...groups: number[]): Words => {
    assert.equal(groups.length, 8);
    return [0, 2, 4, 6].map((k) => ((groups[k]! << 16) | groups[k + 1]!) >>> 0) as Words;
  };
  const cases: Array<[string, Words, string]> = [
    ['§4.1 leading zeros suppressed', g(0x2001, 0xdb8, 0, 0, 0, 0, 2, 1), '2001:db8::2:1'],
    ['§4.2.1 "::" as long as possible', g(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), '2001:db8::1'],
    ['§4.2.2 no "::" for one zero group', g(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1), '2001:db8:0:1:1:1:1:1'],
    ['§4.2.2 one zero group at the start', g(0, 1, 2, 3, 4, 5, 6, 7), '0:1:2:3:4:5:6:7'],
    ['§4.2.2 one zero group at the end', g(1, 2, 3, 4, 5, 6, 7, 0), '1:2:3:4:5:6:7:0'],
    ['§4.2.2 alternating zeros', g(0, 1, 0, 1, 0, 1, 0, 1), '0:1:0:1:0:1:0:1'],
    ['§4.2.3 the longest run', g(0x2001, 0, 0, 1, 0, 0, 0, 1), '2001:0:0:1::1'],
    ['§4.2.3 the longest run, later', g(1, 0, 0, 2, 0, 0, 0, 3), '1:0:0:2::3'],
    ['§4.2.3 the first on a tie', g(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), '2001:db8::1:0:0:1'],
    ['§4.2.3 the first on a tie of three', g(0, 0, 1, 0, 0, 1, 0, 0), '::1:0:0:1:0:0'],
    [
      '§4.3 lower case',
      g(0xabcd, 0xef01, 0x2345, 0x6789, 0xabcd, 0xef01, 0x2345, 0x6789),
      'abcd:ef01:2345:6789:abcd:ef01:2345:6789',
    ],
    ['all zero', g(0, 0, 0, 0, 0, 0, 0, 0), '::'],
    ['loopback', g(0, 0, 0, 0, 0, 0, 0, 1), '::1'],
    ['run at the end', g(1, 2, 3, 4, 5, 6, 0, 0), '1:2:3:4:5:6::'],
    ['run at the start', g(0, 0, 1, 2, 3, 4, 5, 6), '::1:2:3:4:5:6'],
    ['one group then seven zero groups', g(1, 0, 0, 0, 0, 0, 0, 0), '1::'],
    [
      'no zeros',
      g(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff),
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ],
    ['zero groups straddling a word boundary', g(1, 2, 3, 0, 0, 6, 7, 8), '1:2:3::6:7:8'],
  ];
  for (const [name, words, text] of cases) {
    it(`${name}: ${text}`, () => {
      assert.equal(formatIPv6(words), text);
      assert.equal(formatIPv6(Uint32Array.from(words)), text);
    });
  }
});

describe('formatting and re-parsing is identity', () => {
  for (const input of [
    '1.2.3.4',
    '::',
    '::1',
    '2001:db8::8:800:200c:417a',
    'fe80::1:0:0:1',
    '::ffff:0:7f00:1',
    '1:0:0:2::3',
  ]) {
    it(input, () => {
      const parsed = parseAddress(input);
      assert.ok(parsed.ok, input);
      assert.equal(formatAddress(parsed.value), input);
      assert.deepEqual(parseAddress(formatAddress(parsed.value)), parsed);
    });
  }
});
