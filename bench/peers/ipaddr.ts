import ipaddr from 'ipaddr.js';
import { peerAdapter } from './peer-adapter.js';

interface ParsedList {
  readonly v4: [ipaddr.IPv4, number][];
  readonly v6: [ipaddr.IPv6, number][];
}

function compile(entries: readonly string[]): ParsedList {
  const list: ParsedList = { v4: [], v6: [] };
  for (const entry of entries) {
    const [address, bits] = entry.includes('/')
      ? ipaddr.parseCIDR(entry)
      : ((a) => [a, a.kind() === 'ipv4' ? 32 : 128] as const)(ipaddr.parse(entry));
    if (address.kind() === 'ipv4') list.v4.push([address as ipaddr.IPv4, bits]);
    else list.v6.push([address as ipaddr.IPv6, bits]);
  }
  return list;
}

function match(list: ParsedList, ip: string): boolean {
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') {
    const a = address as ipaddr.IPv4;
    for (const range of list.v4) if (a.match(range)) return true;
    return false;
  }
  const a = address as ipaddr.IPv6;
  for (const range of list.v6) if (a.match(range)) return true;
  return false;
}

/** ipaddr.js: entries parsed once per scope; per call `process` (maps ::ffff: to IPv4) and `match`. */
export const ipaddrPeer = peerAdapter<ParsedList>({
  name: 'ipaddr.js',
  notes: [
    'Entries pre-parsed once (parseCIDR, or parse for hosts) into per-family lists; the client string is',
    'parsed with ipaddr.process(), which turns IPv4-mapped IPv6 into IPv4, then matched by a linear scan',
    'with addr.match(range).',
  ],
  compile,
  match,
});
