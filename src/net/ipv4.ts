import { Fault, faultForCharacter } from './address-fault.js';

/**
 * Scans `s[start, end)` as a strict dotted-quad IPv4 address: exactly four decimal parts,
 * 0-255, no leading zeros. Returns the address as an unsigned 32-bit number, or a negative
 * `Fault`. Allocation-free: it is on the decision path.
 */
export function scanIPv4(s: string, start: number, end: number): number {
  if (start >= end) return Fault.Empty;
  let value = 0;
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
    value = value * 256 + octet;
    parts++;
    if (i === end) break;
    const c = s.charCodeAt(i);
    if (c !== 46 /* . */) return faultForCharacter(c);
    if (parts === 4) return Fault.IPv4PartCount; // a fifth part, or a trailing dot
    i++;
    if (i === end) return Fault.IPv4EmptyPart;
  }
  return parts === 4 ? value : Fault.IPv4PartCount;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}
