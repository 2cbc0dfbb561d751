import fc from 'fast-check';

/** A generated address: its text and the number it denotes; the numbers are the test oracle. */
export interface GeneratedAddress {
  readonly text: string;
  readonly family: 4 | 6;
  readonly value: bigint;
}

export interface GeneratedEntry {
  readonly text: string;
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

export function v4Text(value: bigint): string {
  const n = Number(value);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function groupsOf(value: bigint): string[] {
  const groups: string[] = [];
  for (let k = 7; k >= 0; k--) groups.push(((value >> BigInt(16 * k)) & 0xffffn).toString(16));
  return groups;
}

/** Full, uncompressed IPv6 text, optionally upper-case; the parser must accept every spelling. */
export function v6Text(value: bigint, upper = false, compress = true): string {
  const groups = groupsOf(value);
  let text = groups.join(':');
  if (compress) {
    // Compress the first run of two or more zero groups, a different choice than RFC 5952 makes
    // when runs tie, so the parser sees spellings the formatter never produces.
    const match = /(^|:)0(:0)+(:|$)/.exec(text);
    if (match) text = `${text.slice(0, match.index)}::${text.slice(match.index + match[0].length)}`;
  }
  return upper ? text.toUpperCase() : text;
}

const v4Value = fc.bigInt({ min: 0n, max: 0xffffffffn });
const v6Value = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
  // Sparse values, so that "::" compression and small numbers are common.
  fc
    .array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 0xffffn })), { minLength: 8, maxLength: 8 })
    .map((groups) => groups.reduce((acc, g) => (acc << 16n) | g, 0n)),
);

function isMapped(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}

/** Client addresses: IPv4, IPv6 (never in the mapped block), and IPv4 written as mapped IPv6. */
export const clientAddress: fc.Arbitrary<GeneratedAddress> = fc.oneof(
  v4Value.map((value) => ({ text: v4Text(value), family: 4 as const, value })),
  fc
    .tuple(v6Value, fc.boolean(), fc.boolean())
    .filter(([value]) => !isMapped(value))
    .map(([value, upper, compress]) => ({ text: v6Text(value, upper, compress), family: 6 as const, value })),
  fc
    .tuple(v4Value, fc.constantFrom('::ffff:', '::FFFF:', '0:0:0:0:0:ffff:', '0::ffff:'), fc.boolean())
    .map(([value, head, hex]) => ({
      text: hex
        ? `${head}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`
        : `${head}${v4Text(value)}`,
      family: 4 as const,
      value,
    })),
);

/** List entries: IPv4 and IPv6 addresses and CIDRs (host bits possibly set), and mapped CIDRs. */
export const listEntry: fc.Arbitrary<GeneratedEntry> = fc.oneof(
  fc.tuple(v4Value, fc.integer({ min: 0, max: 32 }), fc.boolean()).map(([value, prefix, bare]) => {
    const hostBits = (1n << BigInt(32 - prefix)) - 1n;
    const first = value & ~hostBits & 0xffffffffn;
    return bare
      ? { text: v4Text(value), family: 4 as const, first: value, last: value }
      : { text: `${v4Text(value)}/${prefix}`, family: 4 as const, first, last: first | hostBits };
  }),
  fc
    .tuple(v6Value, fc.integer({ min: 0, max: 128 }))
    .filter(([value]) => !isMapped(value))
    .map(([value, prefix]) => {
      const hostBits = (1n << BigInt(128 - prefix)) - 1n;
      const first = value & ~hostBits & ((1n << 128n) - 1n);
      return { text: `${v6Text(value)}/${prefix}`, family: 6 as const, first, last: first | hostBits };
    }),
  fc.tuple(v4Value, fc.integer({ min: 96, max: 128 })).map(([value, prefix]) => {
    const hostBits = (1n << BigInt(128 - prefix)) - 1n;
    const first = value & ~hostBits & 0xffffffffn;
    return { text: `::ffff:${v4Text(value)}/${prefix}`, family: 4 as const, first, last: first | hostBits };
  }),
);
