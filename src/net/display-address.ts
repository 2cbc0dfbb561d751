import { formatAddress, parseAddress } from './address.js';

/**
 * An address as logs and error bodies show it: an IPv4-mapped IPv6 peer (`::ffff:192.0.2.1`, what a
 * dual-stack socket reports) as the IPv4 address the decision treated it as; anything that does
 * not parse, as it is.
 */
export function displayAddress(ip: string): string {
  if (!ip.includes(':')) return ip;
  const parsed = parseAddress(ip);
  return parsed.ok ? formatAddress(parsed.value) : ip;
}
