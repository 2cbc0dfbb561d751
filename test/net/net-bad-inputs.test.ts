/**
 * Every input that broke another IP library (CVEs, bug reports, then extra vectors), through
 * both entry points: `parseAddress` (the input as a client address) and `parseCidr` (the input as
 * an IPList entry). Each test asserts the exact outcome: the stable error code and a message that
 * names the input, or the exact value and canonical form.
 *
 * The expected codes follow one reading, fixed here rather than taken from the code: the fault is
 * the first thing, left to right, that stops the text from being an address. A character that can
 * appear in no address (whitespace, "%", "/", "[", "x", ",", full-width digits) is reported as
 * such wherever it stands; a part or group is judged when it is complete (or already too long);
 * counts are judged last. In a prefix, anything but whitespace that is not plain decimal is
 * `Prefix.NotDecimal`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAddress, parseAddress } from '../../src/net/address.js';
import { type Cidr, parseCidr } from '../../src/net/cidr.js';

type Words = [number, number, number, number];

/** The expected result of one parser for one input. */
type Expect =
  | { readonly code: string }
  | { readonly family: 4; readonly value: number; readonly text: string }
  | { readonly family: 6; readonly words: Words; readonly text: string };

type ExpectCidr = { readonly code: string } | Cidr;

interface Options {
  /** Test name to use instead of the input (for inputs too long or unreadable to print). */
  readonly label?: string;
}

const show = (input: string) =>
  input.length > 60 ? `${JSON.stringify(input.slice(0, 60))}…` : JSON.stringify(input);

function assertNamesInput(message: string, input: string): void {
  const names =
    input.length > 64
      ? message.includes(JSON.stringify(input.slice(0, 64)).slice(0, -1))
      : message.includes(JSON.stringify(input)) || message.includes(`"${input}"`);
  assert.ok(names, `message ${JSON.stringify(message)} does not name the input ${show(input)}`);
  assert.ok(message.length < 400, `message is ${message.length} characters long`);
}

function checkAddress(input: string, expected: Expect): void {
  const result = parseAddress(input);
  if ('code' in expected) {
    assert.equal(result.ok, false, `${show(input)} was accepted as ${JSON.stringify(result)}`);
    if (result.ok) return;
    assert.equal(result.error.code, expected.code, `code for ${show(input)}: ${result.error.message}`);
    assert.equal(result.error.input, input);
    assertNamesInput(result.error.message, input);
    return;
  }
  assert.equal(result.ok, true, `${show(input)} was rejected: ${result.ok ? '' : result.error.message}`);
  if (!result.ok) return;
  if (expected.family === 4) {
    assert.deepEqual(result.value, { family: 4, value: expected.value });
  } else {
    assert.deepEqual(result.value, { family: 6, words: expected.words });
  }
  assert.equal(formatAddress(result.value), expected.text);
}

function checkCidr(input: string, expected: ExpectCidr): void {
  const result = parseCidr(input);
  if ('code' in expected) {
    assert.equal(result.ok, false, `${show(input)} was accepted as ${JSON.stringify(result)}`);
    if (result.ok) return;
    assert.equal(result.error.code, expected.code, `code for ${show(input)}: ${result.error.message}`);
    assert.equal(result.error.input, input);
    assertNamesInput(result.error.message, input);
    return;
  }
  assert.equal(result.ok, true, `${show(input)} was rejected: ${result.ok ? '' : result.error.message}`);
  if (!result.ok) return;
  assert.deepEqual({ ...result.value }, { ...expected });
}

/** Two tests for one input: as a client address and as a list entry. */
function vector(input: string, address: Expect, cidr: ExpectCidr, options: Options = {}): void {
  const name = options.label ?? show(input);
  it(`${name} as a client address → ${describeExpect(address)}`, () => checkAddress(input, address));
  it(`${name} as a list entry → ${describeExpect(cidr)}`, () => checkCidr(input, cidr));
}

function describeExpect(e: Expect | ExpectCidr): string {
  if ('code' in e) return `rejected ${e.code}`;
  if ('text' in e) return `IPv${e.family} ${e.text}`;
  return `IPv${e.family} ${e.canonical}`;
}

/** Rejected by both parsers with the same code. */
function rejected(input: string, code: string, options: Options = {}): void {
  vector(input, { code }, { code }, options);
}

/** A single IPv4 host, both as a client address and as a list entry without a prefix. */
function ipv4(input: string, value: number, text: string): void {
  vector(
    input,
    { family: 4, value, text },
    { family: 4, first: value, last: value, prefix: 32, canonical: text, hostBitsSet: false },
  );
}

/** A single IPv6 host, both as a client address and as a list entry without a prefix. */
function ipv6(input: string, words: Words, text: string): void {
  vector(
    input,
    { family: 6, words, text },
    { family: 6, first: words, last: words, prefix: 128, canonical: text, hostBitsSet: false },
  );
}

/** A CIDR: not a client address (rejected with `addressCode`), a list entry as given. */
function cidrEntry(input: string, addressCode: string, cidr: ExpectCidr, options: Options = {}): void {
  const name = options.label ?? show(input);
  it(`${name} as a client address → rejected ${addressCode}`, () =>
    checkAddress(input, { code: addressCode }));
  it(`${name} as a list entry → ${describeExpect(cidr)}`, () => checkCidr(input, cidr));
}

const LOCALHOST = 0x7f00_0001;
const ALL_ONES: Words = [0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff];
const ZERO: Words = [0, 0, 0, 0];

// Public bugs and CVEs of IP libraries, with the inputs that broke them.

describe('ip CVE-2023-42282: isPublic() and odd formats', () => {
  rejected('0x7F.1', 'Address.InvalidCharacter');
});

describe('ip CVE-2024-29415 (unfixed): incomplete fix', () => {
  rejected('127.1', 'Address.IPv4.PartCount');
  rejected('127.0.1', 'Address.IPv4.PartCount');
  rejected('127.00.0x1', 'Address.IPv4.LeadingZero');
  rejected('127.0.0x0.1', 'Address.InvalidCharacter');
  rejected('01200034567', 'Address.IPv4.LeadingZero');
  rejected('012.1.2.3', 'Address.IPv4.LeadingZero');
  ipv6('fe80::0001', [0xfe80_0000, 0, 0, 1], 'fe80::1');
  ipv6('000:0:0000::01', [0, 0, 0, 1], '::1');
  ipv6('000:0:0000:0:000:0:00:001', [0, 0, 0, 1], '::1');
  ipv4('::fFFf:127.0.0.1', LOCALHOST, '127.0.0.1');
});

describe('ip follow-up (issue 162): 32-bit octal integer', () => {
  rejected('017700000001', 'Address.IPv4.LeadingZero');
});

describe('netmask CVE-2021-28918: octal octets read as decimal', () => {
  rejected('0127.0.0.1', 'Address.IPv4.LeadingZero');
  rejected('012.0.0.1', 'Address.IPv4.LeadingZero');
});

describe('netmask CVE-2021-29418: octal digit 8/9, hex octets', () => {
  rejected('09.0.0.1', 'Address.IPv4.LeadingZero');
  rejected('0189.0.0.1', 'Address.IPv4.LeadingZero');
  rejected('0x7f.0.0.1', 'Address.InvalidCharacter');
});

describe('ip-cidr issue 28: octal confusion in contains()', () => {
  rejected('010.1.1.1', 'Address.IPv4.LeadingZero');
  rejected('010.0.0.0/8', 'Address.IPv4.LeadingZero');
  it('8.1.1.1 (what 010.1.1.1 really is) is outside 10.0.0.0/8', () => {
    const block = parseCidr('10.0.0.0/8');
    assert.ok(block.ok && block.value.family === 4, '10.0.0.0/8 is an IPv4 block');
    assert.deepEqual([block.value.first, block.value.last], [0x0a00_0000, 0x0aff_ffff]);
    const host = parseAddress('8.1.1.1');
    assert.ok(host.ok && host.value.family === 4, '8.1.1.1 is IPv4');
    assert.equal(host.value.value, 0x0801_0101);
    assert.ok(host.value.value < block.value.first, '8.1.1.1 is below 10.0.0.0');
  });
});

describe('private-ip CVE-2020-28360: regex check bypassed by non-canonical forms', () => {
  rejected('0x7f.1', 'Address.InvalidCharacter');
  rejected('0177.0.0.1', 'Address.IPv4.LeadingZero');
  rejected('127.1', 'Address.IPv4.PartCount');
  ipv4('0.0.0.0', 0, '0.0.0.0');
});

describe('private-ip CVE-2025-8020: multicast 224.0.0.0/4 (parser accepts; classification is policy)', () => {
  ipv4('224.0.0.1', 0xe000_0001, '224.0.0.1');
  ipv4('239.255.255.250', 0xefff_fffa, '239.255.255.250');
  cidrEntry('224.0.0.0/4', 'Address.InvalidCharacter', {
    family: 4,
    first: 0xe000_0000,
    last: 0xefff_ffff,
    prefix: 4,
    canonical: '224.0.0.0/4',
    hostBitsSet: false,
  });
});

describe('ssrfcheck CVE-2025-8267: multicast missing from list', () => {
  ipv4('224.0.0.1', 0xe000_0001, '224.0.0.1');
});

describe('ssrfcheck CVE-2026-43929: WHATWG URL turns mapped IPv4 into hex', () => {
  rejected('http://[::ffff:127.0.0.1]/', 'Address.InvalidCharacter');
  rejected('[::ffff:127.0.0.1]', 'Address.InvalidCharacter');
  ipv4('::ffff:7f00:1', LOCALHOST, '127.0.0.1');
  rejected('[::ffff:a9fe:a9fe]', 'Address.InvalidCharacter');
  ipv4('::ffff:a9fe:a9fe', 0xa9fe_a9fe, '169.254.169.254');
});

describe('hono ipRestriction CVE-2026-39409: mapped client vs IPv4 deny list', () => {
  ipv4('::ffff:127.0.0.1', LOCALHOST, '127.0.0.1');
  it('client ::ffff:127.0.0.1 equals list entry 127.0.0.1 and lies in 127.0.0.0/8', () => {
    const client = parseAddress('::ffff:127.0.0.1');
    assert.deepEqual(client, { ok: true, value: { family: 4, value: LOCALHOST } });
    const host = parseCidr('127.0.0.1');
    const block = parseCidr('127.0.0.0/8');
    assert.ok(host.ok && block.ok && host.value.family === 4 && block.value.family === 4, 'both IPv4');
    assert.equal(host.value.first, LOCALHOST);
    assert.deepEqual([block.value.first, block.value.last], [0x7f00_0000, 0x7fff_ffff]);
  });
});

describe('axios shouldBypassProxy CVE-2026-44492: NO_PROXY not normalised', () => {
  rejected('http://[::ffff:7f00:1]/', 'Address.InvalidCharacter');
  rejected('http://[::ffff:127.0.0.1]/', 'Address.InvalidCharacter');
  ipv4('::ffff:7f00:1', LOCALHOST, '127.0.0.1');
  ipv4('::ffff:127.0.0.1', LOCALHOST, '127.0.0.1');
});

describe('ipaddr.js (by design): isValid/parse accept inet_aton forms', () => {
  rejected('1231233', 'Address.IPv4.OctetRange');
  rejected('5', 'Address.IPv4.PartCount');
  rejected('0000.0000.00000.00', 'Address.IPv4.LeadingZero');
  rejected('1.1.1.00200', 'Address.IPv4.LeadingZero');
  rejected('10.168.0001.100', 'Address.IPv4.LeadingZero');
  rejected('02001:0000:1234:0000:0000:C1C0:ABCD:0876', 'Address.IPv6.GroupTooLong');
});

describe('ipaddr.js issue 29: prefix not bounded', () => {
  cidrEntry('1.1.1.1/50000000', 'Address.InvalidCharacter', { code: 'Prefix.OutOfRange' });
});

describe('ipaddr.js issue 103: strict validator rejected valid input', () => {
  ipv4('127.0.0.1', LOCALHOST, '127.0.0.1');
});

describe('range_check issue 14: integer/octal treated as an IP', () => {
  rejected('0123456789', 'Address.IPv4.LeadingZero');
  rejected('123456789', 'Address.IPv4.OctetRange');
});

describe('Flowise httpSecurity: mapped CIDR with prefix < 96', () => {
  cidrEntry('::ffff:10.0.0.0/64', 'Address.InvalidCharacter', { code: 'Prefix.MappedTooShort' });
  cidrEntry('::ffff:10.0.0.0/95', 'Address.InvalidCharacter', { code: 'Prefix.MappedTooShort' });
  cidrEntry('::ffff:a00:0/95', 'Address.InvalidCharacter', { code: 'Prefix.MappedTooShort' });
  cidrEntry('::ffff:0:0/0', 'Address.InvalidCharacter', { code: 'Prefix.MappedTooShort' });
  cidrEntry('::ffff:10.0.0.0/104', 'Address.InvalidCharacter', {
    family: 4,
    first: 0x0a00_0000,
    last: 0x0aff_ffff,
    prefix: 8,
    canonical: '10.0.0.0/8',
    hostBitsSet: false,
  });
  cidrEntry('::ffff:10.0.0.0/96', 'Address.InvalidCharacter', {
    family: 4,
    first: 0,
    last: 0xffff_ffff,
    prefix: 0,
    canonical: '0.0.0.0/0',
    hostBitsSet: true,
  });
});

describe('stripe/smokescreen: mapped range collapses to 0.0.0.0/0', () => {
  cidrEntry('::ffff:0:0/96', 'Address.InvalidCharacter', {
    family: 4,
    first: 0,
    last: 0xffff_ffff,
    prefix: 0,
    canonical: '0.0.0.0/0',
    hostBitsSet: false,
  });
});

describe('NVIDIA OpenShell: a range spanning blocked space, not just its network address', () => {
  cidrEntry('::ffff:168.0.0.0/103', 'Address.InvalidCharacter', {
    family: 4,
    first: 0xa800_0000,
    last: 0xa9ff_ffff,
    prefix: 7,
    canonical: '168.0.0.0/7',
    hostBitsSet: false,
  });
  it('::ffff:168.0.0.0/103 covers all of 169.254.0.0/16', () => {
    const wide = parseCidr('::ffff:168.0.0.0/103');
    const linkLocal = parseCidr('169.254.0.0/16');
    assert.ok(
      wide.ok && linkLocal.ok && wide.value.family === 4 && linkLocal.value.family === 4,
      'both IPv4',
    );
    assert.ok(wide.value.first <= linkLocal.value.first, 'starts at or before 169.254.0.0');
    assert.ok(wide.value.last >= linkLocal.value.last, 'ends at or after 169.254.255.255');
    assert.ok(wide.value.first <= 0xa9fe_a9fe && 0xa9fe_a9fe <= wide.value.last, 'holds 169.254.169.254');
  });
});

describe('string-prefix checks (matrix-os): startsWith("::ffff:") bypassed', () => {
  ipv4('0::ffff:7f00:1', LOCALHOST, '127.0.0.1');
  ipv4('0:0::ffff:7f00:1', LOCALHOST, '127.0.0.1');
  ipv4('::0:ffff:7f00:1', LOCALHOST, '127.0.0.1');
});

describe('string checks (synara): expanded form bypassed', () => {
  ipv4('0:0:0:0:0:ffff:8.8.8.8', 0x0808_0808, '8.8.8.8');
});

describe('transition forms (MemWal, cowrie): embedded IPv4 in other prefixes stays IPv6', () => {
  ipv6('::7f00:1', [0, 0, 0, LOCALHOST], '::7f00:1');
  ipv6('::127.0.0.1', [0, 0, 0, LOCALHOST], '::7f00:1');
  ipv6('::ffff:0:7f00:1', [0, 0, 0xffff_0000, LOCALHOST], '::ffff:0:7f00:1');
  ipv6('::ffff:0:127.0.0.1', [0, 0, 0xffff_0000, LOCALHOST], '::ffff:0:7f00:1');
  ipv6('64:ff9b::127.0.0.1', [0x0064_ff9b, 0, 0, LOCALHOST], '64:ff9b::7f00:1');
  cidrEntry('64:ff9b:1::/48', 'Address.InvalidCharacter', {
    family: 6,
    first: [0x0064_ff9b, 0x0001_0000, 0, 0],
    last: [0x0064_ff9b, 0x0001_ffff, 0xffff_ffff, 0xffff_ffff],
    prefix: 48,
    canonical: '64:ff9b:1::/48',
    hostBitsSet: false,
  });
  ipv6('2002:7f00:1::', [0x2002_7f00, 0x0001_0000, 0, 0], '2002:7f00:1::');
  it('none of them falls in 127.0.0.0/8 (they are IPv6, not IPv4)', () => {
    for (const input of ['::7f00:1', '::ffff:0:7f00:1', '64:ff9b::127.0.0.1', '2002:7f00:1::']) {
      const result = parseAddress(input);
      assert.ok(result.ok, input);
      assert.equal(result.value.family, 6, input);
    }
  });
});

describe('APISIX real-ip: unbracketed IPv6 with a port', () => {
  rejected('2607:fea8:bba0:7c00:cd88:f5a6:5fb0:2a56:51108', 'Address.IPv6.GroupTooLong');
  rejected('2607:fea8:bba0:7c00:cd88:f5a6:5fb0:2a56:8080', 'Address.IPv6.GroupCount');
  rejected('[2607:fea8:bba0:7c00:cd88:f5a6:5fb0:2a56]:51108', 'Address.TooLong');
  rejected('[2607:fea8::2a56]:51108', 'Address.InvalidCharacter');
  rejected('192.0.2.1:51108', 'Address.InvalidCharacter');
  ipv6(
    '2607:fea8:bba0:7c00:cd88:f5a6:5fb0:2a56',
    [0x2607_fea8, 0xbba0_7c00, 0xcd88_f5a6, 0x5fb0_2a56],
    '2607:fea8:bba0:7c00:cd88:f5a6:5fb0:2a56',
  );
});

describe('zoraxy: RemoteAddr split on the first ":" (brackets/ports are source resolution’s job)', () => {
  rejected('[2a01:4f8::1]:54321', 'Address.InvalidCharacter');
  rejected('[2a01:4f8::1]', 'Address.InvalidCharacter');
  rejected('[2a01', 'Address.InvalidCharacter');
  ipv6('2a01:4f8::1', [0x2a01_04f8, 0, 0, 1], '2a01:4f8::1');
});

describe('Go CVE-2021-29923, Python CVE-2021-29921, Perl Net::Netmask CVE-2021-29424: leading zeros', () => {
  rejected('0127.0.0.1', 'Address.IPv4.LeadingZero');
  rejected('00.0.0.0/8', 'Address.IPv4.LeadingZero');
  rejected('010.8.8.8/8', 'Address.IPv4.LeadingZero');
  rejected('01.01.01.01', 'Address.IPv4.LeadingZero');
  rejected('192.168.001.001', 'Address.IPv4.LeadingZero');
  rejected('1.2.3.04', 'Address.IPv4.LeadingZero');
  rejected('::ffff:010.0.0.1', 'Address.IPv6.EmbeddedIPv4');
});

// Extra vectors.

describe('extra: zone IDs', () => {
  rejected('fe80::1%eth0', 'Address.IPv6.ZoneId');
  rejected('fe80::1%25eth0', 'Address.IPv6.ZoneId');
  rejected('fe80::%1', 'Address.IPv6.ZoneId');
  rejected('fe80::1%eth0/64', 'Address.IPv6.ZoneId');
  rejected('::ffff:127.0.0.1%eth0', 'Address.IPv6.ZoneId');
  rejected('1.2.3.4%eth0', 'Address.IPv6.ZoneId');
});

describe('extra: leading, trailing and inner whitespace', () => {
  for (const input of [
    ' 1.2.3.4',
    '1.2.3.4 ',
    '\t1.2.3.4',
    '1.2.3.4\n',
    '1.2.3.4\r\n',
    '1.2.\t3.4',
    '1.2\n.3.4',
    '1.2 .3.4',
    ' ::1',
    '::1 ',
    'fe80::\n1',
    'fe80:: 1',
    '::ffff:1.2.3.4\t',
    '::ffff:1.2. 3.4',
    ' 1.2.3.4/24',
    '1.2.3.4 /24',
  ]) {
    rejected(input, 'Address.Whitespace');
  }
  cidrEntry('1.2.3.4/24 ', 'Address.InvalidCharacter', { code: 'Address.Whitespace' });
  cidrEntry('1.2.3.4/ 24', 'Address.InvalidCharacter', { code: 'Address.Whitespace' });
  cidrEntry('1.2.3.4/2 4', 'Address.InvalidCharacter', { code: 'Address.Whitespace' });
  cidrEntry('::/\t0', 'Address.InvalidCharacter', { code: 'Address.Whitespace' });
  it('"1.2.3.4/0 " as a list entry → rejected Address.Whitespace', () =>
    checkCidr('1.2.3.4/0 ', { code: 'Address.Whitespace' }));
  // Unicode White_Space: every one of these is whitespace, wherever it stands.
  const unicodeSpaces = [
    0x0b, 0x0c, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  ].concat([0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);
  for (const code of unicodeSpaces) {
    const space = String.fromCharCode(code);
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    it(`${hex} before or after an address, or in a prefix → rejected Address.Whitespace`, () => {
      for (const input of [`1.2.3.4${space}`, `${space}::1`, `::ffff:1.2.3.4${space}`]) {
        checkAddress(input, { code: 'Address.Whitespace' });
        checkCidr(input, { code: 'Address.Whitespace' });
      }
      checkCidr(`::/${space}1`, { code: 'Address.Whitespace' });
    });
  }
});

describe('extra: prefix forms', () => {
  cidrEntry('1.2.3.4/033', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('1.2.3.4/00', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('1.2.3.4/+24', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('1.2.3.4/24 ', 'Address.InvalidCharacter', { code: 'Address.Whitespace' });
  cidrEntry('/-1', 'Address.InvalidCharacter', { code: 'Address.Empty' });
  cidrEntry('1.2.3.4/-1', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('1.2.3.4/-0', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('/33', 'Address.InvalidCharacter', { code: 'Address.Empty' });
  cidrEntry('1.2.3.4/33', 'Address.InvalidCharacter', { code: 'Prefix.OutOfRange' });
  cidrEntry('::/129', 'Address.InvalidCharacter', { code: 'Prefix.OutOfRange' });
  cidrEntry('::/0128', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('::ffff:1.2.3.4/129', 'Address.InvalidCharacter', { code: 'Prefix.OutOfRange' });
  cidrEntry('1.2.3.4/', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('1.2.3.4/24/24', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('1.2.3.4/0x18', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('1.2.3.4/24.0', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  cidrEntry('1.2.3.4/２４', 'Address.InvalidCharacter', { code: 'Prefix.NotDecimal' });
  it('"1.2.3.4/255.255.255.0" (a netmask, not a prefix) as a list entry → rejected Prefix.*', () => {
    const result = parseCidr('1.2.3.4/255.255.255.0');
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error.code, /^Prefix\.(NotDecimal|OutOfRange)$/);
  });
  cidrEntry('1.2.3.4/24', 'Address.InvalidCharacter', {
    family: 4,
    first: 0x0102_0300,
    last: 0x0102_03ff,
    prefix: 24,
    canonical: '1.2.3.0/24',
    hostBitsSet: true,
  });
});

describe('extra: host bits set are cleared and flagged', () => {
  cidrEntry('1.2.3.4/24', 'Address.InvalidCharacter', {
    family: 4,
    first: 0x0102_0300,
    last: 0x0102_03ff,
    prefix: 24,
    canonical: '1.2.3.0/24',
    hostBitsSet: true,
  });
  cidrEntry('192.0.2.1/24', 'Address.InvalidCharacter', {
    family: 4,
    first: 0xc000_0200,
    last: 0xc000_02ff,
    prefix: 24,
    canonical: '192.0.2.0/24',
    hostBitsSet: true,
  });
  cidrEntry('192.0.2.0/24', 'Address.InvalidCharacter', {
    family: 4,
    first: 0xc000_0200,
    last: 0xc000_02ff,
    prefix: 24,
    canonical: '192.0.2.0/24',
    hostBitsSet: false,
  });
  cidrEntry('2001:db8::1/32', 'Address.InvalidCharacter', {
    family: 6,
    first: [0x2001_0db8, 0, 0, 0],
    last: [0x2001_0db8, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff],
    prefix: 32,
    canonical: '2001:db8::/32',
    hostBitsSet: true,
  });
});

describe('extra: empty entries from separators (splitting is the caller’s job; one entry never splits)', () => {
  rejected('1.2.3.4,,5.6.7.8', 'Address.InvalidCharacter');
  rejected(';;', 'Address.InvalidCharacter');
  rejected(',', 'Address.InvalidCharacter');
  rejected('1.2.3.4,', 'Address.InvalidCharacter');
  rejected(',1.2.3.4', 'Address.InvalidCharacter');
  rejected('1.2.3.4;5.6.7.8', 'Address.InvalidCharacter');
  rejected('::1,::2', 'Address.InvalidCharacter');
  rejected('', 'Address.Empty');
});

describe('extra: full-width digits (what the WHATWG host parser would map)', () => {
  rejected('１２７.０.０.１', 'Address.InvalidCharacter');
  rejected('127.0.0.１', 'Address.InvalidCharacter');
  rejected('127．0．0．1', 'Address.InvalidCharacter');
  rejected('::ｆｆｆｆ:7f00:1', 'Address.InvalidCharacter');
  rejected('::ffff:１２７.0.0.1', 'Address.InvalidCharacter');
  rejected('::ffff:127.0.0.１', 'Address.InvalidCharacter');
});

describe('extra: trailing dot', () => {
  rejected('127.0.0.1.', 'Address.IPv4.PartCount');
  rejected('127.0.0.', 'Address.IPv4.EmptyPart');
  rejected('::ffff:127.0.0.1.', 'Address.IPv6.EmbeddedIPv4');
});

describe('extra: 0.0.0.0 vs 0.0.0.0/0, :: vs ::/0', () => {
  ipv4('0.0.0.0', 0, '0.0.0.0');
  cidrEntry('0.0.0.0/0', 'Address.InvalidCharacter', {
    family: 4,
    first: 0,
    last: 0xffff_ffff,
    prefix: 0,
    canonical: '0.0.0.0/0',
    hostBitsSet: false,
  });
  cidrEntry('0.0.0.0/32', 'Address.InvalidCharacter', {
    family: 4,
    first: 0,
    last: 0,
    prefix: 32,
    canonical: '0.0.0.0/32',
    hostBitsSet: false,
  });
  ipv6('::', ZERO, '::');
  cidrEntry('::/0', 'Address.InvalidCharacter', {
    family: 6,
    first: ZERO,
    last: ALL_ONES,
    prefix: 0,
    canonical: '::/0',
    hostBitsSet: false,
  });
  cidrEntry('::/128', 'Address.InvalidCharacter', {
    family: 6,
    first: ZERO,
    last: ZERO,
    prefix: 128,
    canonical: '::/128',
    hostBitsSet: false,
  });
});

describe('extra: huge inputs (ReDoS, length limits)', () => {
  const MB = 1 << 20;
  const huge: Array<[string, string]> = [
    ['1 MB of "1"', '1'.repeat(MB)],
    ['1 MB of "1.2.3.4,"', '1.2.3.4,'.repeat(MB / 8)],
    ['1 MB of ":"', ':'.repeat(MB)],
    ['1 MB of "0"', '0'.repeat(MB)],
    ['1 MB of "ffff:"', 'ffff:'.repeat(MB / 4)],
    ['1 MB of " "', ' '.repeat(MB)],
    ['"1.2.3.4/" + 1 MB of "9"', `1.2.3.4/${'9'.repeat(MB)}`],
  ];
  for (const [label, input] of huge) {
    rejected(input, 'Address.TooLong', { label });
    it(`${label} is rejected in under 20 ms by each parser`, () => {
      parseAddress(input); // warm up
      parseCidr(input);
      const t0 = performance.now();
      parseAddress(input);
      const t1 = performance.now();
      parseCidr(input);
      const t2 = performance.now();
      assert.ok(t1 - t0 < 20, `parseAddress took ${t1 - t0} ms`);
      assert.ok(t2 - t1 < 20, `parseCidr took ${t2 - t1} ms`);
    });
  }
  // The longest valid texts: 45 characters for an address, 49 for a CIDR.
  ipv4('0000:0000:0000:0000:0000:ffff:255.255.255.255', 0xffff_ffff, '255.255.255.255');
  ipv6(
    '1111:2222:3333:4444:5555:6666:255.255.255.255',
    [0x1111_2222, 0x3333_4444, 0x5555_6666, 0xffff_ffff],
    '1111:2222:3333:4444:5555:6666:ffff:ffff',
  );
  cidrEntry('1111:2222:3333:4444:5555:6666:255.255.255.255/128', 'Address.TooLong', {
    family: 6,
    first: [0x1111_2222, 0x3333_4444, 0x5555_6666, 0xffff_ffff],
    last: [0x1111_2222, 0x3333_4444, 0x5555_6666, 0xffff_ffff],
    prefix: 128,
    canonical: '1111:2222:3333:4444:5555:6666:ffff:ffff/128',
    hostBitsSet: false,
  });
  cidrEntry('0000:0000:0000:0000:0000:ffff:255.255.255.255/128', 'Address.TooLong', {
    family: 4,
    first: 0xffff_ffff,
    last: 0xffff_ffff,
    prefix: 32,
    canonical: '255.255.255.255/32',
    hostBitsSet: false,
  });
  rejected('01111:2222:3333:4444:5555:6666:255.255.255.255', 'Address.TooLong');
  rejected('1111:2222:3333:4444:5555:6666:255.255.255.255/1280', 'Address.TooLong');
});

describe('extra: duplicate or overlapping entries canonicalise alike', () => {
  const same: Array<[string, string, string]> = [
    ['10.0.0.0/8', '10.1.2.3/8', '10.0.0.0/8'],
    ['10.0.0.0/8', '::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['10.0.0.0/8', '::FFFF:a00:0/104', '10.0.0.0/8'],
    ['2001:db8::/32', '2001:0DB8:0000::/32', '2001:db8::/32'],
    ['2001:db8::/32', '2001:db8:ffff::1/32', '2001:db8::/32'],
    ['127.0.0.1', '::ffff:7f00:1', '127.0.0.1'],
  ];
  for (const [a, b, canonical] of same) {
    it(`${a} and ${b} are the same entry, ${canonical}`, () => {
      const x = parseCidr(a);
      const y = parseCidr(b);
      assert.ok(x.ok, a);
      assert.ok(y.ok, b);
      assert.equal(x.value.canonical, canonical);
      assert.equal(y.value.canonical, canonical);
      assert.deepEqual(
        [x.value.family, x.value.first, x.value.last],
        [y.value.family, y.value.first, y.value.last],
      );
    });
  }
  it('10.0.0.1 and 10.0.0.1/32 cover the same single address', () => {
    const x = parseCidr('10.0.0.1');
    const y = parseCidr('10.0.0.1/32');
    assert.ok(x.ok && y.ok && x.value.family === 4 && y.value.family === 4, 'both IPv4');
    assert.deepEqual([x.value.first, x.value.last], [0x0a00_0001, 0x0a00_0001]);
    assert.deepEqual([y.value.first, y.value.last], [0x0a00_0001, 0x0a00_0001]);
  });
});

describe('extra: upper-case hex', () => {
  ipv4('::FFFF:7F00:1', LOCALHOST, '127.0.0.1');
  ipv4('::FFFF:127.0.0.1', LOCALHOST, '127.0.0.1');
  ipv6('FE80::ABCD:EF01', [0xfe80_0000, 0, 0, 0xabcd_ef01], 'fe80::abcd:ef01');
});

describe('extra: the unspecified address :: as a client address', () => {
  ipv6('::', ZERO, '::');
  ipv6('0:0:0:0:0:0:0:0', ZERO, '::');
  it(':: is IPv6, not 0.0.0.0', () => {
    assert.deepEqual(parseAddress('::'), { ok: true, value: { family: 6, words: ZERO } });
  });
});

describe('IPv4-mapped in every spelling is IPv4', () => {
  for (const input of [
    '::ffff:127.0.0.1',
    '::fFFf:127.0.0.1',
    '::FFFF:7F00:1',
    '0::ffff:7f00:1',
    '0:0::ffff:7f00:1',
    '::0:ffff:7f00:1',
    '0:0:0:0:0:ffff:7f00:1',
    '0000:0000:0000:0000:0000:ffff:7f00:0001',
    '0:0:0:0::ffff:127.0.0.1',
    '::0:0:ffff:127.0.0.1',
    '::ffff:07f00:1',
  ]) {
    if (input === '::ffff:07f00:1') rejected(input, 'Address.IPv6.GroupTooLong');
    else ipv4(input, LOCALHOST, '127.0.0.1');
  }
  ipv4('0:0:0:0:0:ffff:8.8.8.8', 0x0808_0808, '8.8.8.8');
  ipv4('::ffff:a9fe:a9fe', 0xa9fe_a9fe, '169.254.169.254');
});
