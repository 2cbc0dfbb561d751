/**
 * Property tests: the allocation-free parsers in src/net against the slow BigInt/regex reference
 * in ./reference.ts, on random valid addresses in many spellings, random strings over the
 * characters addresses are made of, and random mutations of valid addresses. A failure prints the
 * fast-check seed and the shrunk counterexample; replay with FC_SEED=<seed>.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatAddress, type IpAddress, parseAddress, scanAddress } from '../../src/net/address.js';
import { type Cidr, parseCidr } from '../../src/net/cidr.js';
import {
  type RefAddress,
  type RefCidr,
  refFormat,
  refMask,
  refParseAddress,
  refParseCidr,
  V4_ALL,
  V6_ALL,
  wordsToBigInt,
} from './reference.js';

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const run = (numRuns: number) => (seed === undefined ? { numRuns } : { numRuns, seed });

// ---------------------------------------------------------------------------------------------
// Generators of valid addresses, with the value each one stands for (computed from the parts,
// independently of both parsers).

interface Sample {
  readonly text: string;
  readonly family: 4 | 6;
  readonly value: bigint;
}

const octet = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(0, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255),
);
const octets = fc.tuple(octet, octet, octet, octet);
const dotted = (o: readonly number[]) => o.join('.');
const octetsValue = (o: readonly number[]) => o.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);

const ipv4Sample: fc.Arbitrary<Sample> = octets.map((o) => ({
  text: dotted(o),
  family: 4,
  value: octetsValue(o),
}));

const group16 = fc.integer({ min: 0, max: 0xffff });
const group = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.constant(0xffff) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 0xf }) },
  { weight: 4, arbitrary: group16 },
);
const anyGroups = fc.array(group, { minLength: 8, maxLength: 8 });
const mappedGroups = fc.tuple(group16, group16).map(([a, b]) => [0, 0, 0, 0, 0, 0xffff, a, b]);
/** NAT64, SIIT, IPv4-compatible, 6to4 and the neighbours of ::ffff:0:0/96: all plain IPv6. */
const transitionGroups = fc.oneof(
  fc.tuple(group16, group16).map(([a, b]) => [0x64, 0xff9b, 0, 0, 0, 0, a, b]),
  fc.tuple(group16, group16, group16).map(([a, b, c]) => [0x64, 0xff9b, 1, c, 0, 0, a, b]),
  fc.tuple(group16, group16).map(([a, b]) => [0, 0, 0, 0, 0xffff, 0, a, b]),
  fc.tuple(group16, group16).map(([a, b]) => [0, 0, 0, 0, 0, 0, a, b]),
  fc.tuple(group16, group16, anyGroups).map(([a, b, g]) => [0x2002, a, b, ...g.slice(3)]),
  fc.tuple(group16, group16).map(([a, b]) => [0, 0, 0, 0, 0, 0xfffe, a, b]),
  fc.tuple(group16, group16).map(([a, b]) => [0, 0, 0, 0, 1, 0xffff, a, b]),
  fc.tuple(group16, group16).map(([a, b]) => [0, 0, 0, 0, 0xffff, 0xffff, a, b]),
  fc.tuple(group16, group16).map(([a, b]) => [0xffff, 0, 0, 0, 0, 0xffff, a, b]),
);

/** How to write eight groups: padding and letter case per group, dotted tail, which "::". */
interface Spelling {
  readonly pad: readonly number[];
  readonly upper: readonly number[];
  readonly dottedTail: boolean;
  readonly compress: number;
}

const spelling: fc.Arbitrary<Spelling> = fc.record({
  pad: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
  upper: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 8, maxLength: 8 }),
  dottedTail: fc.boolean(),
  compress: fc.nat(),
});

function spellGroup(g: number, pad: number, upperMask: number): string {
  const digits = g.toString(16);
  const padded = '0'.repeat(Math.min(pad, 4 - digits.length)) + digits;
  return [...padded].map((c, k) => ((upperMask >> k) & 1 ? c.toUpperCase() : c)).join('');
}

/** RFC 4291 text for `groups`, written as `s` says (any run of zero groups may become "::"). */
function spell(groups: readonly number[], s: Spelling): string {
  const units: Array<{ from: number; to: number; text: string }> = [];
  for (let k = 0; k < 6; k++)
    units.push({ from: k, to: k + 1, text: spellGroup(groups[k]!, s.pad[k]!, s.upper[k]!) });
  if (s.dottedTail) {
    const [a, b] = [groups[6]!, groups[7]!];
    units.push({ from: 6, to: 8, text: dotted([a >> 8, a & 255, b >> 8, b & 255]) });
  } else {
    for (let k = 6; k < 8; k++)
      units.push({ from: k, to: k + 1, text: spellGroup(groups[k]!, s.pad[k]!, s.upper[k]!) });
  }
  const limit = s.dottedTail ? 6 : 8;
  const runs: Array<[number, number]> = [];
  for (let a = 0; a < limit; a++) {
    for (let b = a + 1; b <= limit && groups[b - 1] === 0; b++) runs.push([a, b]);
  }
  const choice = s.compress % (runs.length + 1);
  if (choice === runs.length) return units.map((u) => u.text).join(':');
  const [a, b] = runs[choice]!;
  const left = units.filter((u) => u.to <= a).map((u) => u.text);
  const right = units.filter((u) => u.from >= b).map((u) => u.text);
  return `${left.join(':')}::${right.join(':')}`;
}

const groupsValue = (groups: readonly number[]) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);

function ipv6Sample(groups: fc.Arbitrary<number[]>): fc.Arbitrary<Sample> {
  return fc.tuple(groups, spelling).map(([g, s]) => {
    const value = groupsValue(g);
    const mapped = g.slice(0, 6).join(',') === '0,0,0,0,0,65535';
    return mapped
      ? { text: spell(g, s), family: 4, value: value & V4_ALL }
      : { text: spell(g, s), family: 6, value };
  });
}

const anySample = fc.oneof(
  ipv4Sample,
  ipv6Sample(anyGroups),
  ipv6Sample(mappedGroups),
  ipv6Sample(transitionGroups),
);

// ---------------------------------------------------------------------------------------------
// Comparing results.

const toRef = (a: IpAddress): RefAddress =>
  a.family === 4 ? { family: 4, value: BigInt(a.value) } : { family: 6, value: wordsToBigInt(a.words) };

const cidrToRef = (c: Cidr): RefCidr => ({
  family: c.family,
  first: c.family === 4 ? BigInt(c.first) : wordsToBigInt(c.first),
  last: c.family === 4 ? BigInt(c.last) : wordsToBigInt(c.last),
  prefix: c.prefix,
  hostBitsSet: c.hostBitsSet,
  canonical: c.canonical,
});

const show = (x: unknown) =>
  JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));

function sameAddress(actual: RefAddress | null, expected: RefAddress | null, text: string): void {
  if (actual === null && expected === null) return;
  if (
    actual === null ||
    expected === null ||
    actual.family !== expected.family ||
    actual.value !== expected.value
  ) {
    assert.fail(`${JSON.stringify(text)}: parser ${show(actual)}, reference ${show(expected)}`);
  }
}

function sameCidr(actual: RefCidr | null, expected: RefCidr | null, text: string): void {
  if (actual === null && expected === null) return;
  if (show(actual) !== show(expected)) {
    assert.fail(`${JSON.stringify(text)}: parser ${show(actual)}, reference ${show(expected)}`);
  }
}

const CODES = new Set([
  'Address.Empty',
  'Address.TooLong',
  'Address.Whitespace',
  'Address.InvalidCharacter',
  'Address.IPv4.PartCount',
  'Address.IPv4.EmptyPart',
  'Address.IPv4.LeadingZero',
  'Address.IPv4.OctetRange',
  'Address.IPv6.GroupTooLong',
  'Address.IPv6.GroupCount',
  'Address.IPv6.MultipleDoubleColon',
  'Address.IPv6.ZoneId',
  'Address.IPv6.EmbeddedIPv4',
  'Address.IPv6.EmptyGroup',
  'Prefix.NotDecimal',
  'Prefix.OutOfRange',
  'Prefix.MappedTooShort',
]);

/**
 * What any rejection must satisfy, whichever fault is reported: the code exists and fits the text
 * (no "whitespace" without whitespace, no IPv6 fault for text without ":", no prefix fault
 * without a valid address and a "/", ...).
 */
function plausibleFault(text: string, code: string, message: string, asEntry: boolean): void {
  const fail = (why: string) => assert.fail(`${JSON.stringify(text)} → ${code} (${message}): ${why}`);
  if (!CODES.has(code)) fail('unknown code');
  const slash = asEntry ? text.indexOf('/') : -1;
  const address = slash < 0 ? text : text.slice(0, slash);
  const tooLong = address.length > 45 || (asEntry && text.length > 49);
  if (tooLong !== (code === 'Address.TooLong') && text.length > 0) fail('TooLong exactly when too long');
  if (!tooLong && (address.length === 0) !== (code === 'Address.Empty'))
    fail('Empty exactly when no address');
  if (code === 'Address.Whitespace' && !/\s/.test(text)) fail('no whitespace in the text');
  if (code === 'Address.IPv6.ZoneId' && !address.includes('%')) fail('no "%" in the address');
  const firstSeparator = /[.:]/.exec(address)?.[0];
  // Hex letters are valid only in IPv6 text; whether a text is IPv6 shows in its first separator.
  const validCharacters = firstSeparator === ':' ? /^[0-9a-fA-F.:]*$/ : /^[0-9.]*$/;
  if (code === 'Address.InvalidCharacter' && validCharacters.test(address)) fail('every character is valid');
  if (code.startsWith('Address.IPv4.') && firstSeparator === ':') fail('IPv4 fault for an IPv6 text');
  if (code.startsWith('Address.IPv6.') && code !== 'Address.IPv6.ZoneId' && firstSeparator !== ':') {
    fail('IPv6 fault for a text without ":" before any "."');
  }
  const addressValid = refParseAddress(address) !== null && !tooLong;
  if (code.startsWith('Prefix.') && !(slash >= 0 && addressValid))
    fail('prefix fault without a valid address');
  if (addressValid && slash >= 0 && !/^(Prefix\.|Address\.Whitespace$)/.test(code)) {
    fail('the address is valid, so the fault must be in the prefix');
  }
  if (
    code === 'Prefix.MappedTooShort' &&
    !(address.includes(':') && refParseAddress(address)?.family === 4)
  ) {
    fail('MappedTooShort for an address that is not IPv4-mapped');
  }
  if (!message.startsWith(JSON.stringify(text.length > 64 ? text.slice(0, 64) : text).slice(0, -1))) {
    fail('the message does not start by naming the input');
  }
}

/** Both parsers against the reference on one text. */
function agree(text: string): void {
  const address = parseAddress(text);
  sameAddress(address.ok ? toRef(address.value) : null, refParseAddress(text), text);
  if (!address.ok) {
    assert.equal(address.error.input, text);
    plausibleFault(text, address.error.code, address.error.message, false);
  }
  const entry = parseCidr(text);
  sameCidr(entry.ok ? cidrToRef(entry.value) : null, refParseCidr(text), text);
  if (!entry.ok) {
    assert.equal(entry.error.input, text);
    plausibleFault(text, entry.error.code, entry.error.message, true);
  }
}

// ---------------------------------------------------------------------------------------------

describe('(a) random valid addresses: parser = reference, and format → parse is identity', () => {
  const check = (sample: Sample) => {
    const parsed = parseAddress(sample.text);
    if (!parsed.ok) assert.fail(`${JSON.stringify(sample.text)} rejected: ${parsed.error.message}`);
    const expected: RefAddress = { family: sample.family, value: sample.value };
    sameAddress(toRef(parsed.value), expected, sample.text);
    sameAddress(refParseAddress(sample.text), expected, `${sample.text} (reference)`);
    const text = formatAddress(parsed.value);
    assert.equal(text, refFormat(expected), sample.text);
    const again = parseAddress(text);
    if (!again.ok) assert.fail(`canonical ${JSON.stringify(text)} rejected: ${again.error.message}`);
    sameAddress(toRef(again.value), expected, text);
    assert.equal(formatAddress(again.value), text);
  };
  it('30,000 IPv4 addresses', () => {
    fc.assert(fc.property(ipv4Sample, check), run(30_000));
  });
  it('40,000 IPv6 addresses (random groups, case, padding, "::", dotted tail)', () => {
    fc.assert(fc.property(ipv6Sample(anyGroups), check), run(40_000));
  });
  it('20,000 IPv4-mapped addresses in every spelling are IPv4', () => {
    fc.assert(
      fc.property(ipv6Sample(mappedGroups), (sample) => {
        assert.equal(sample.family, 4);
        check(sample);
      }),
      run(20_000),
    );
  });
  it('10,000 transition-form addresses (NAT64, SIIT, IPv4-compatible, 6to4, neighbours) stay IPv6', () => {
    fc.assert(
      fc.property(ipv6Sample(transitionGroups), (sample) => {
        assert.equal(sample.family, 6);
        check(sample);
      }),
      run(10_000),
    );
  });
});

const ALPHABET = [...'0123456789abcdefABCDEF.:/% x'];
const alphabetChar = fc.constantFrom(...ALPHABET);

const randomText = fc.string({ unit: alphabetChar, maxLength: 52 });
const tokenText = fc
  .array(
    fc.constantFrom(
      ...['::', ':', ':', '.', '.', '0', '1', '00', '01', '255', '256', 'ffff', 'FFFF', '0000', '12345', 'a'],
      ...['/', '/0', '/32', '/96', '/104', '/128', '/129', '%', ' ', 'x', '1.2.3.4', '0.0.0.0', '::ffff:'],
    ),
    { maxLength: 14 },
  )
  .map((tokens) => tokens.join(''));

interface Mutation {
  readonly kind: 'insert' | 'delete' | 'duplicate' | 'leadingZero';
  readonly at: number;
  readonly char: string;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'duplicate', 'leadingZero'),
  at: fc.nat(),
  char: alphabetChar,
});

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  switch (m.kind) {
    case 'insert':
      return text.slice(0, at) + m.char + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + 1);
    case 'duplicate':
      return text.slice(0, at) + text.slice(at, at + 1) + text.slice(at);
    case 'leadingZero': {
      const starts = [0];
      for (let k = 0; k < text.length; k++) if ('.:/'.includes(text[k]!)) starts.push(k + 1);
      const start = starts[m.at % starts.length]!;
      return `${text.slice(0, start)}0${text.slice(start)}`;
    }
  }
}

const validEntryText = fc
  .tuple(anySample, fc.option(fc.integer({ min: 0, max: 130 }), { nil: undefined }))
  .map(([sample, prefix]) => (prefix === undefined ? sample.text : `${sample.text}/${prefix}`));

const mutatedText = fc
  .tuple(validEntryText, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([text, ms]) => ms.reduce(mutate, text));

/** Almost-addresses: 3-5 decimal parts around the 0-255 and leading-zero boundaries. */
const decimalPart = fc.oneof(
  fc.integer({ min: 0, max: 300 }).map(String),
  fc.constantFrom(
    '',
    '0',
    '00',
    '01',
    '09',
    '010',
    '99',
    '100',
    '199',
    '200',
    '249',
    '250',
    '255',
    '256',
    '260',
  ),
  fc.constantFrom('299', '300', '999', '1000', '0255', '2550', '-1', '+1', '1 '),
);
const nearIPv4 = fc
  .oneof({ weight: 4, arbitrary: fc.constant(4) }, { weight: 1, arbitrary: fc.integer({ min: 3, max: 5 }) })
  .chain((n) => fc.array(decimalPart, { minLength: n, maxLength: n }))
  .map((parts) => parts.join('.'));
/** Almost-IPv6: 1-9 groups of 0-5 hex digits, at most a few "::", maybe a dotted tail. */
const hexPart = fc.oneof(
  fc.integer({ min: 0, max: 0xfffff }).map((g) => g.toString(16)),
  fc.constantFrom('', '0', '00', '000', '0000', '00000', '1', 'ffff', 'FFFF', 'fFfF', '10000', 'g'),
);
const nearIPv6 = fc
  .tuple(
    fc.array(hexPart, { minLength: 1, maxLength: 9 }),
    fc.array(fc.nat(), { maxLength: 2 }),
    fc.option(nearIPv4, { nil: undefined }),
  )
  .map(([groups, gaps, tail]) => {
    const separators = groups.slice(1).map(() => ':');
    for (const gap of gaps) if (separators.length > 0) separators[gap % separators.length] = '::';
    let text = groups[0]!;
    for (let k = 1; k < groups.length; k++) text += separators[k - 1]! + groups[k]!;
    return tail === undefined ? text : `${text}:${tail}`;
  });
const prefixSuffix = fc.constantFrom(
  '',
  '',
  '',
  '/0',
  '/8',
  '/32',
  '/33',
  '/64',
  '/96',
  '/104',
  '/128',
  '/129',
  '/08',
);
const nearEntry = fc
  .tuple(
    fc.oneof(
      nearIPv4,
      nearIPv6,
      nearIPv6.map((t) => `::ffff:${t}`),
    ),
    prefixSuffix,
  )
  .map(([address, prefix]) => address + prefix);

describe('(b) random and mutated strings: parser and reference agree on accept/reject and value', () => {
  it('20,000 near-miss texts (parts and groups around every boundary)', () => {
    fc.assert(fc.property(nearEntry, agree), run(20_000));
  });
  it('20,000 random strings over "0-9 a-f A-F . : / % space x"', () => {
    fc.assert(fc.property(randomText, agree), run(20_000));
  });
  it('20,000 random strings of address-shaped tokens', () => {
    fc.assert(fc.property(tokenText, agree), run(20_000));
  });
  it('30,000 valid addresses and entries with 1-3 mutations (insert, delete, duplicate, leading zero)', () => {
    fc.assert(fc.property(mutatedText, agree), run(30_000));
  });
  it('10,000 valid entries with an in-range or out-of-range prefix', () => {
    fc.assert(fc.property(validEntryText, agree), run(10_000));
  });
  it('only strings over [0-9.] with a fault from the IPv4 family (no fallback codes)', () => {
    const text = fc.string({ unit: fc.constantFrom(...'0123456789..'), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(text, (t) => {
        const result = parseAddress(t);
        if (!result.ok) assert.match(result.error.code, /^Address\.IPv4\./, `${t}: ${result.error.code}`);
      }),
      run(10_000),
    );
  });
  it('scanning a slice of a longer string reads nothing outside the slice', () => {
    const junk = fc.string({ unit: alphabetChar, maxLength: 6 });
    const out = new Uint32Array(4);
    fc.assert(
      fc.property(
        junk,
        fc.oneof(
          anySample.map((s) => s.text),
          mutatedText,
        ),
        junk,
        (before, text, after) => {
          const whole = before + text + after;
          const family = scanAddress(whole, before.length, before.length + text.length, out);
          const expected = refParseAddress(text);
          if (family < 0) {
            if (expected !== null)
              assert.fail(`slice ${JSON.stringify(text)} of ${JSON.stringify(whole)} rejected`);
            assert.equal(
              family,
              scanAddress(text, 0, text.length, out),
              `fault for ${JSON.stringify(text)} in context`,
            );
            return;
          }
          const actual: RefAddress =
            family === 4 ? { family: 4, value: BigInt(out[0]!) } : { family: 6, value: wordsToBigInt(out) };
          sameAddress(actual, expected, `${text} in ${JSON.stringify(whole)}`);
        },
      ),
      run(10_000),
    );
  });
});

describe('(c) CIDR first/last = BigInt mask computation', () => {
  const v4Cidr = fc.tuple(octets, fc.integer({ min: 0, max: 32 }));
  it('10,000 random IPv4 blocks', () => {
    fc.assert(
      fc.property(v4Cidr, ([o, prefix]) => {
        const value = octetsValue(o);
        const mask = refMask(prefix, 32);
        const first = value & mask;
        const last = first | (V4_ALL ^ mask);
        const text = `${dotted(o)}/${prefix}`;
        const result = parseCidr(text);
        if (!result.ok) assert.fail(`${text} rejected: ${result.error.message}`);
        const canonical = `${[24n, 16n, 8n, 0n].map((s) => (first >> s) & 255n).join('.')}/${prefix}`;
        sameCidr(
          cidrToRef(result.value),
          { family: 4, first, last, prefix, hostBitsSet: first !== value, canonical },
          text,
        );
      }),
      run(10_000),
    );
  });
  it('10,000 random IPv6 blocks', () => {
    fc.assert(
      fc.property(anyGroups, spelling, fc.integer({ min: 0, max: 128 }), (groups, s, prefix) => {
        fc.pre(groups.slice(0, 6).join(',') !== '0,0,0,0,0,65535');
        const value = groupsValue(groups);
        const mask = refMask(prefix, 128);
        const first = value & mask;
        const last = first | (V6_ALL ^ mask);
        const text = `${spell(groups, s)}/${prefix}`;
        const result = parseCidr(text);
        if (!result.ok) assert.fail(`${text} rejected: ${result.error.message}`);
        const canonical = `${refFormat({ family: 6, value: first })}/${prefix}`;
        sameCidr(
          cidrToRef(result.value),
          { family: 6, first, last, prefix, hostBitsSet: first !== value, canonical },
          text,
        );
      }),
      run(10_000),
    );
  });
  it('10,000 random IPv4-mapped blocks /96-/128 are IPv4 blocks /0-/32', () => {
    fc.assert(
      fc.property(mappedGroups, spelling, fc.integer({ min: 96, max: 128 }), (groups, s, written) => {
        const value = groupsValue(groups) & V4_ALL;
        const prefix = written - 96;
        const mask = refMask(prefix, 32);
        const first = value & mask;
        const last = first | (V4_ALL ^ mask);
        const text = `${spell(groups, s)}/${written}`;
        const result = parseCidr(text);
        if (!result.ok) assert.fail(`${text} rejected: ${result.error.message}`);
        const canonical = `${refFormat({ family: 4, value: first })}/${prefix}`;
        sameCidr(
          cidrToRef(result.value),
          { family: 4, first, last, prefix, hostBitsSet: first !== value, canonical },
          text,
        );
      }),
      run(10_000),
    );
  });
  it('5,000 random IPv4-mapped blocks shorter than /96 are refused', () => {
    fc.assert(
      fc.property(mappedGroups, spelling, fc.integer({ min: 0, max: 95 }), (groups, s, written) => {
        const text = `${spell(groups, s)}/${written}`;
        const result = parseCidr(text);
        assert.ok(!result.ok, text);
        assert.equal(result.error.code, 'Prefix.MappedTooShort', text);
      }),
      run(5_000),
    );
  });
});
