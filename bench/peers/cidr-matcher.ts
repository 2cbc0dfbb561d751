import { createRequire } from 'node:module';
import { peerAdapter } from './peer-adapter.js';

/** The part of cidr-matcher's API used here (the package ships no types). */
interface CidrMatcher {
  contains(address: string): boolean;
}
type CidrMatcherClass = new (classes: readonly string[]) => CidrMatcher;

const CIDRMatcher = createRequire(import.meta.url)('cidr-matcher') as CidrMatcherClass;

function compile(entries: readonly string[]): CidrMatcher {
  return new CIDRMatcher(entries.map((e) => (e.includes('/') ? e : `${e}/${e.includes(':') ? 128 : 32}`)));
}

/** cidr-matcher: one matcher per scope, `contains(ip)` per call (parses with ip6addr, scans linearly). */
export const cidrMatcher = peerAdapter<CidrMatcher>({
  name: 'cidr-matcher',
  notes: [
    'One matcher per scope (new CIDRMatcher(entries)); contains(ip) per call, which handles IPv4-mapped',
    'clients itself. It requires a prefix on every entry, so host entries are given as /32 or /128.',
  ],
  compile,
  match: (matcher, ip) => matcher.contains(ip),
});
