import { err, ok, type Result } from '../common/result.js';
import { describeFault, Fault, type FaultNumber } from './address-fault.js';
import { diagnoseIPv4, formatIPv4, scanPlainIPv4 } from './ipv4.js';
import { formatIPv6, scanIPv6 } from './ipv6.js';

/** Longest text that can be an address: full IPv6 with an embedded IPv4 is 45 characters. */
export const MAX_ADDRESS_LENGTH = 45;

/**
 * Scans `s[start, end)` as a strict IPv4 or IPv6 address. IPv4-mapped IPv6 (::ffff:0:0/96) is
 * reported as IPv4. Returns 4 (the address in `out[0]`), 6 (four words in `out`), or a negative
 * `Fault`. Allocation-free: the decision path calls it on every client address.
 */
export function scanAddress(s: string, start: number, end: number, out: Uint32Array): number {
  if (start >= end) return Fault.Empty;
  if (end - start > MAX_ADDRESS_LENGTH) return Fault.TooLong;
  if (scanPlainIPv4(s, start, end, out) === 4) return 4;
  const fault = scanIPv6(s, start, end, out);
  if (fault < 0) {
    // Which family was it meant to be? The first separator tells: an IPv4 address has a dot
    // before any colon. (An IPv6 address has a colon before any dot, so the scan above never
    // accepts what this sends to IPv4.)
    let i = start;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === 46 || c === 58) break;
      i++;
    }
    return i === end || s.charCodeAt(i) === 46 ? diagnoseIPv4(s, start, end) : fault;
  }
  if (out[0] === 0 && out[1] === 0 && out[2] === 0xffff) {
    out[0] = out[3]!;
    return 4;
  }
  return 6;
}

export type IpAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly words: readonly [number, number, number, number] };

export interface AddressError {
  readonly code: string;
  readonly input: string;
  readonly message: string;
}

export function addressError(input: string, fault: FaultNumber): AddressError {
  const { code, reason } = describeFault(fault);
  const shown = input.length > 64 ? `${input.slice(0, 64)}…` : input;
  return { code, input, message: `${JSON.stringify(shown)} ${reason}` };
}

const scratch = new Uint32Array(4);

export function parseAddress(input: string): Result<IpAddress, AddressError> {
  const family = scanAddress(input, 0, input.length, scratch);
  if (family === 4) return ok({ family: 4, value: scratch[0]! });
  if (family === 6) return ok({ family: 6, words: [scratch[0]!, scratch[1]!, scratch[2]!, scratch[3]!] });
  return err(addressError(input, family as FaultNumber));
}

export function formatAddress(address: IpAddress): string {
  return address.family === 4 ? formatIPv4(address.value) : formatIPv6(address.words);
}
