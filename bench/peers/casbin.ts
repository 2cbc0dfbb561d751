import { type Enforcer, newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { peerAdapter } from './peer-adapter.js';
import { unmapIPv4 } from './unmap.js';

export const CASBIN_MODEL = `
[request_definition]
r = ip

[policy_definition]
p = cidr

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = ipMatch(r.ip, p.cidr)
`;

function compile(entries: readonly string[]): Promise<Enforcer> {
  const lines = entries.map((e) => `p, ${e}`).join('\n');
  return newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(lines));
}

/**
 * casbin: a model whose matcher is `ipMatch(r.ip, p.cidr)`, one policy line per entry, built in
 * memory (newEnforcer(newModelFromString, StringAdapter)); each call is `enforceSync(ip)`.
 */
export const casbinPeer = peerAdapter<Enforcer>({
  name: 'casbin',
  notes: [
    'Model with matcher `ipMatch(r.ip, p.cidr)`, one policy line per entry, one enforcer per scope built',
    'in memory (newEnforcer(newModelFromString(...), new StringAdapter(...))); enforceSync(ip) per call.',
    'ipMatch does not treat ::ffff:a.b.c.d as IPv4, so IPv4-mapped clients are rewritten as dotted IPv4',
    'first (unmapIPv4).',
  ],
  compile,
  match: (enforcer, ip) => enforcer.enforceSync(unmapIPv4(ip)),
});
