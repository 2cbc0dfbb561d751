import ipaddr from 'ipaddr.js';

/**
 * For peers that do not treat IPv4-mapped IPv6 (`::ffff:a.b.c.d`, `::ffff:7f00:1`, expanded
 * forms) as IPv4: rewrites such a client address as dotted IPv4. Other text passes through
 * unchanged. Costs nothing on IPv4 text; on IPv6 text it parses once with ipaddr.js.
 */
export function unmapIPv4(ip: string): string {
  if (ip.indexOf(':') < 0) return ip;
  const parsed = ipaddr.process(ip);
  return parsed.kind() === 'ipv4' ? parsed.toString() : ip;
}
