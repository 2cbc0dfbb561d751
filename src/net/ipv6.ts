import { Fault, faultForCharacter } from './address-fault.js';
import { scanPlainIPv4 } from './ipv4.js';

// Scratch for the up-to-eight 16-bit groups and an embedded IPv4 address; module-level so
// scanning never allocates.
const groups = new Uint16Array(8);
const embedded = new Uint32Array(1);

/**
 * The value of each hex digit by character code below 128, -1 for every other character. A table
 * read instead of "digit or letter?" tests: in random hex that test goes either way about
 * every third character, and the mispredicted branches were most of the scan's time.
 */
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 10; d++) HEX[48 + d] = d;
for (let d = 0; d < 6; d++) {
  HEX[65 + d] = 10 + d;
  HEX[97 + d] = 10 + d;
}

function hexValue(c: number): number {
  return c < 128 ? HEX[c]! : -1;
}

/**
 * Scans `s[start, end)` as an RFC 4291 IPv6 address (case-insensitive hex, one "::", an embedded
 * dotted IPv4 in the last 32 bits; no zone ID) into `out` as four big-endian 32-bit words.
 * Returns 0, or a negative `Fault`. Allocation-free: client addresses go through it.
 */
export function scanIPv6(s: string, start: number, end: number, out: Uint32Array): number {
  if (start >= end) return Fault.Empty;
  const g = groups;
  let count = 0;
  let gap = -1; // index in `groups` where "::" stands
  let i = start;
  // Whether s[i - 1] is a single ":" after a group: an empty group there is the second colon of
  // a "::" (found when it is reached, so no character is read twice).
  let afterColon = false;
  if (s.charCodeAt(i) === 58 /* : */) {
    if (i + 1 >= end || s.charCodeAt(i + 1) !== 58) return Fault.IPv6EmptyGroup;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    let j = i;
    let group = 0;
    let c = 0;
    // Most groups of a full address have four digits: take them with one test (a non-digit's
    // -1 makes the OR negative); any other group is read by the loop, which also reads the
    // character after the group.
    if (j + 4 <= end) {
      const v =
        (hexValue(s.charCodeAt(j)) << 12) |
        (hexValue(s.charCodeAt(j + 1)) << 8) |
        (hexValue(s.charCodeAt(j + 2)) << 4) |
        hexValue(s.charCodeAt(j + 3));
      if (v >= 0) {
        group = v;
        j += 4;
      }
    }
    for (; j < end; j++) {
      c = s.charCodeAt(j);
      const h = hexValue(c);
      if (h < 0) break;
      group = (group << 4) | h; // garbage past four digits, but such a group is refused below
    }
    if (j < end && c === 46 /* . */) {
      if (count > 6) return Fault.IPv6EmbeddedIPv4;
      if (scanPlainIPv4(s, i, end, embedded) !== 4) return embeddedIPv4Fault(s, i, end);
      const v4 = embedded[0]!;
      g[count++] = v4 >>> 16;
      g[count++] = v4 & 0xffff;
      break;
    }
    if (j === i) {
      if (c !== 58) return faultForCharacter(c);
      if (!afterColon) return Fault.IPv6EmptyGroup; // ":::", or a ":" at the start
      if (gap >= 0) return Fault.IPv6MultipleDoubleColon;
      gap = count;
      afterColon = false;
      i = j + 1;
      continue;
    }
    if (j - i > 4) return Fault.IPv6GroupTooLong;
    if (count === 8) return Fault.IPv6GroupCount;
    g[count++] = group;
    if (j === end) break;
    if (c !== 58) return faultForCharacter(c);
    i = j + 1;
    if (i === end) return Fault.IPv6EmptyGroup;
    afterColon = true;
  }
  if (gap < 0) {
    if (count !== 8) return Fault.IPv6GroupCount;
  } else {
    if (count > 7) return Fault.IPv6GroupCount;
    const missing = 8 - count;
    for (let k = count - 1; k >= gap; k--) g[k + missing] = g[k]!;
    for (let k = gap; k < gap + missing; k++) g[k] = 0;
  }
  out[0] = ((g[0]! << 16) | g[1]!) >>> 0;
  out[1] = ((g[2]! << 16) | g[3]!) >>> 0;
  out[2] = ((g[4]! << 16) | g[5]!) >>> 0;
  out[3] = ((g[6]! << 16) | g[7]!) >>> 0;
  return 0;
}

/**
 * Why an embedded IPv4 failed: a character no address has (whitespace, a zone, a slash), or
 * else the shape or place of the dotted quad.
 */
function embeddedIPv4Fault(s: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 46 && c !== 58 && hexValue(c) < 0) return faultForCharacter(c);
  }
  return Fault.IPv6EmbeddedIPv4;
}

/** RFC 5952 text: lower-case, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
export function formatIPv6(words: ArrayLike<number>): string {
  const g: number[] = [];
  for (let w = 0; w < 4; w++) g.push(words[w]! >>> 16, words[w]! & 0xffff);
  let bestStart = -1;
  let bestLength = 1;
  for (let k = 0; k < 8; ) {
    if (g[k] !== 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && g[e] === 0) e++;
    if (e - k > bestLength) {
      bestStart = k;
      bestLength = e - k;
    }
    k = e;
  }
  const hex = (from: number, to: number) =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
