import { parseAddress } from '@keyfence/net/address.js';
import { formatIPv4 } from '@keyfence/net/ipv4.js';
import { formatIPv6 } from '@keyfence/net/ipv6.js';
import type { KeySource } from './access-key-sources';

/** A row of the Source IPs table: one address, or the /24 (IPv4) or /64 (IPv6) holding several. */
export interface SourceGroup {
  readonly key: string;
  /** An address, or a CIDR block when grouped. */
  readonly source: string;
  readonly vpcId: string | undefined;
  readonly members: readonly KeySource[];
  readonly allowed: number;
  readonly denied: number;
  readonly failed: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly services: readonly string[];
  readonly isNew: boolean;
}

/**
 * The block an address is grouped under: IPv6 always per /64 (a host's addresses change within
 * its /64), IPv4 per /24 only when asked.
 */
export const blockOf = (ip: string, ipv4Per24: boolean): string => {
  const parsed = parseAddress(ip);
  if (!parsed.ok) return ip;
  const address = parsed.value;
  if (address.family === 4) return ipv4Per24 ? `${formatIPv4(address.value & 0xffffff00)}/24` : ip;
  return `${formatIPv6([address.words[0], address.words[1], 0, 0])}/64`;
};

const earliest = (a: string, b: string): string => (a < b ? a : b);
const latest = (a: string, b: string): string => (a > b ? a : b);

export const groupSources = (sources: readonly KeySource[], ipv4Per24: boolean): SourceGroup[] => {
  const groups = new Map<string, KeySource[]>();
  for (const source of sources) {
    const key = `${blockOf(source.SourceIp, ipv4Per24)}|${source.VpcId ?? ''}`;
    const members = groups.get(key);
    if (members === undefined) groups.set(key, [source]);
    else members.push(source);
  }
  return [...groups].map(([key, members]) => {
    const services = new Map<string, number>();
    for (const m of members)
      for (const s of m.Services) services.set(s.Service, (services.get(s.Service) ?? 0) + s.Calls);
    return {
      key,
      source: key.slice(0, key.indexOf('|')),
      vpcId: members[0]!.VpcId,
      members,
      allowed: members.reduce((n, m) => n + m.AllowedCalls, 0),
      denied: members.reduce((n, m) => n + m.DeniedCalls, 0),
      failed: members.reduce((n, m) => n + m.FailedCalls, 0),
      firstSeen: members.map((m) => m.FirstSeen).reduce(earliest),
      lastSeen: members.map((m) => m.LastSeen).reduce(latest),
      services: [...services].sort(([, a], [, b]) => b - a).map(([service]) => service),
      isNew: members.some((m) => m.New),
    };
  });
};
