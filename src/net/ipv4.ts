import { Fault, faultForCharacter } from './address-fault.js';

/**
 * Scans `s[start, end)` as a strict dotted-quad IPv4 address: exactly four decimal parts,
 * 0-255, no leading zeros. Returns the address as an unsigned 32-bit number, or a negative
 * `Fault`. Allocation-free: it is on the decision path, so the accepting path is straight-line
 * code and only a rejected input pays for finding out exactly what is wrong.
 */
export function scanIPv4(s: string, start: number, end: number): number {
  return scanPlainIPv4(s, start, end, scratch) === 4 ? scratch[0]! : diagnoseIPv4(s, start, end);
}

const scratch = new Uint32Array(1);

/**
 * The accepting path of `scanIPv4`: 4 with the address in `out[0]`, or -1 for anything else.
 * Straight-line code for the common case; callers find out why an input failed only when they
 * need to. The address goes into a typed array rather than being returned: a number of 2^30 or
 * more returned by a call that is not inlined is boxed, which would allocate on every decision.
 */
export function scanPlainIPv4(s: string, start: number, end: number, out: Uint32Array): number {
  let i = start;
  let value = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= end || s.charCodeAt(i) !== 46) return -1;
      i++;
    }
    if (i >= end) return -1;
    let octet = s.charCodeAt(i) - 48;
    if (octet < 0 || octet > 9) return -1;
    i++;
    if (i < end) {
      let d = s.charCodeAt(i) - 48;
      if (d >= 0 && d <= 9) {
        if (octet === 0) return -1;
        octet = octet * 10 + d;
        i++;
        if (i < end) {
          d = s.charCodeAt(i) - 48;
          if (d >= 0 && d <= 9) {
            octet = octet * 10 + d;
            i++;
            if (octet > 255) return -1;
          }
        }
      }
    }
    value = value * 256 + octet;
  }
  if (i !== end) return -1;
  out[0] = value;
  return 4;
}

/** The exact reason `s[start, end)` is not a strict IPv4 address, as a negative `Fault`. */
export function diagnoseIPv4(s: string, start: number, end: number): number {
  if (start >= end) return Fault.Empty;
  let parts = 0;
  let i = start;
  while (true) {
    const partStart = i;
    let octet = 0;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
      if (i - partStart > 3) {
        return s.charCodeAt(partStart) === 48 ? Fault.IPv4LeadingZero : Fault.IPv4OctetRange;
      }
    }
    const digits = i - partStart;
    if (digits === 0) {
      if (i < end && s.charCodeAt(i) !== 46) return faultForCharacter(s.charCodeAt(i));
      return Fault.IPv4EmptyPart;
    }
    if (digits > 1 && s.charCodeAt(partStart) === 48) return Fault.IPv4LeadingZero;
    if (octet > 255) return Fault.IPv4OctetRange;
    parts++;
    if (i === end) break;
    const c = s.charCodeAt(i);
    if (c !== 46 /* . */) return faultForCharacter(c);
    if (parts === 4) return Fault.IPv4PartCount; // a fifth part, or a trailing dot
    i++;
    if (i === end) return Fault.IPv4EmptyPart;
  }
  // Only reached if the fast path refused what this accepts; refuse too (fail closed).
  return parts === 4 ? Fault.InvalidCharacter : Fault.IPv4PartCount;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}
