import { BlockList } from 'node:net';
import { peerAdapter } from './peer-adapter.js';

function compile(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const address = slash < 0 ? entry : entry.slice(0, slash);
    const family = address.indexOf(':') < 0 ? 'ipv4' : 'ipv6';
    if (slash < 0) list.addAddress(address, family);
    else list.addSubnet(address, Number(entry.slice(slash + 1)), family);
  }
  return list;
}

/** Node's `net.BlockList`: one list per scope (addSubnet / addAddress), `check(ip, family)` per call. */
export const blocklist = peerAdapter<BlockList>({
  name: 'net.BlockList',
  notes: [
    'One BlockList per scope (addSubnet; addAddress for hosts); check(ip, family), the family taken from',
    'the presence of ":". IPv4-mapped clients are checked as ipv6: BlockList matches them against its',
    'IPv4 rules itself, so no rewriting is needed.',
  ],
  compile,
  match: (list, ip) => list.check(ip, ip.indexOf(':') < 0 ? 'ipv4' : 'ipv6'),
});
