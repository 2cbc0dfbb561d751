import type { Credential, Source } from '../policy/decision.js';
import { DecisionIndex, type Explanation, ownPolicyDecides } from '../policy/decision-index.js';
import type { AccessKeyPolicy } from '../policy/policy-document.js';

/** One (key, source, VPC)'s calls over a window: what a key-source rollup row holds. */
export interface SimulatedTraffic {
  readonly accessKeyId: string;
  readonly sourceIp: string;
  /** Null for calls from no VPC. */
  readonly vpcId: string | null;
  readonly allowed: number;
  /** Calls denied by a network ACL. */
  readonly denied: number;
  /** Calls that failed for another reason: the simulation leaves them out. */
  readonly failed: number;
  readonly lastSeen: Date;
  /** Calls per service code, whatever their outcome. */
  readonly services: ReadonlyMap<string, number>;
  /** Calls of services beyond those `services` names, or under none. */
  readonly otherServices: number;
}

/** The policies in force now: a DecisionIndex, or the node's through the action context. */
export interface CurrentPolicies {
  explain(credential: Credential, source: Source, service: string): Explanation | Promise<Explanation>;
}

/** Which policy the candidate would replace. */
export type SimulationScope =
  | { readonly kind: 'account' }
  | { readonly kind: 'accessKey'; readonly accessKeyId: string };

export interface SimulationInput {
  readonly scope: SimulationScope;
  readonly candidate: AccessKeyPolicy;
  readonly current: CurrentPolicies;
  /** The scope's permanent keys as they exist now (for an account, all of its keys). */
  readonly keys: readonly string[];
  /** The window's traffic; rows of keys the candidate does not affect are passed over. */
  readonly traffic: readonly SimulatedTraffic[];
  /** Services on which network ACLs are not applied: their calls never change. */
  readonly exemptServices: readonly string[];
  /** At most this many distinct (key, source, VPC) are decided, the heaviest first. */
  readonly maxSources: number;
}

/** One source whose calls the candidate would decide otherwise. */
export interface SourceChange {
  readonly sourceIp: string;
  readonly vpcId: string | null;
  readonly calls: number;
  readonly lastSeen: Date;
  /** The services those calls went to, most calls first; `*` for the rest. */
  readonly services: readonly string[];
}

export interface KeyImpact {
  readonly accessKeyId: string;
  readonly newlyDenied: readonly SourceChange[];
  readonly newlyAllowed: readonly SourceChange[];
  readonly newlyDeniedCalls: number;
  readonly newlyAllowedCalls: number;
}

export interface SimulationResult {
  /** Keys with at least one change, by ID. */
  readonly keys: readonly KeyImpact[];
  readonly newlyDeniedCalls: number;
  readonly newlyAllowedCalls: number;
  /** Keys whose decisions the candidate would make. */
  readonly affectedKeys: number;
  /** Of those, the ones with no traffic in the window. */
  readonly keysWithoutTraffic: number;
  /** Distinct (key, source, VPC) decided. */
  readonly scannedSources: number;
  /** True when the affected keys had more sources than `maxSources`. */
  readonly truncated: boolean;
}

// The candidate alone, on a key of its own: what it says about a source whatever the IDs.
const PROBE_KEY = 'simulation-probe-key';
const PROBE_ACCOUNT = 'simulation-probe-account';
// Deciding under no service: none is exempt, so the policies alone answer.
const NO_SERVICE = '';

/**
 * What a candidate policy would change for the traffic of a window (docs/server.md,
 * `SimulateAccessKeyPolicy`). Each (key, source, VPC) is decided twice: under the policies in
 * force now, and with the candidate in place, following the decision's precedence: an
 * account-level candidate decides only for keys without an Active key-level policy; a key-level
 * candidate decides for its key when Active, and hands it to the account's policy when Inactive.
 * A source decided otherwise counts every call a network ACL decided from it, allowed or denied
 * when it was made (the policy may have changed since), less those of exempt services, which are
 * never denied: under the policies in force now they would all have had the decision the source
 * gets now. Calls that failed otherwise are left out: they fail under any policy, only the error
 * would differ. Deterministic for the same input.
 */
export async function simulatePolicy(input: SimulationInput): Promise<SimulationResult> {
  const { scope, candidate, current } = input;
  const affected = await affectedKeys(input);
  const probe = new DecisionIndex();
  probe.setKey(PROBE_KEY, PROBE_ACCOUNT, candidate, 0);
  const probeCredential: Credential = { accessKeyId: PROBE_KEY, temporary: false };
  const exempt = new Set(input.exemptServices);

  const rows = input.traffic.filter((row) => affected.has(row.accessKeyId));
  const withTraffic = new Set(rows.map((row) => row.accessKeyId));
  const scanned = rows.sort(byWeight).slice(0, Math.max(0, input.maxSources));

  const impacts = new Map<string, { denied: SourceChange[]; allowed: SourceChange[] }>();
  for (const row of scanned) {
    const credential: Credential = { accessKeyId: row.accessKeyId, temporary: false };
    const source: Source = row.vpcId === null ? { ip: row.sourceIp } : { ip: row.sourceIp, vpcId: row.vpcId };
    const now = await current.explain(credential, source, NO_SERVICE);
    let then: boolean;
    if (candidate.Status === 'Active') then = probe.decide(probeCredential, source, NO_SERVICE).allowed;
    else if (scope.kind === 'account') then = true;
    else {
      const account = now.scopes.find((s) => s.scope === 'account');
      then = account?.status === 'Active' ? account.wouldAllow : true;
    }
    if (now.decision.allowed === then) continue;
    const change = changeOf(row, exempt);
    if (change === undefined) continue;
    let impact = impacts.get(row.accessKeyId);
    if (impact === undefined) {
      impact = { denied: [], allowed: [] };
      impacts.set(row.accessKeyId, impact);
    }
    (then ? impact.allowed : impact.denied).push(change);
  }

  const keys = [...impacts.keys()].sort(compareText).map((accessKeyId): KeyImpact => {
    const { denied, allowed } = impacts.get(accessKeyId)!;
    return {
      accessKeyId,
      newlyDenied: denied,
      newlyAllowed: allowed,
      newlyDeniedCalls: sum(denied),
      newlyAllowedCalls: sum(allowed),
    };
  });
  return {
    keys,
    newlyDeniedCalls: keys.reduce((total, key) => total + key.newlyDeniedCalls, 0),
    newlyAllowedCalls: keys.reduce((total, key) => total + key.newlyAllowedCalls, 0),
    affectedKeys: affected.size,
    keysWithoutTraffic: affected.size - withTraffic.size,
    scannedSources: scanned.length,
    truncated: rows.length > scanned.length,
  };
}

/**
 * The keys the candidate would decide for: a key-level candidate's own key (if it exists); for an
 * account-level one, every key of the account without an Active key-level policy.
 */
async function affectedKeys({ scope, keys, current }: SimulationInput): Promise<Set<string>> {
  if (scope.kind === 'accessKey') return new Set(keys.filter((key) => key === scope.accessKeyId));
  const affected = new Set<string>();
  for (const accessKeyId of keys) {
    // The scopes' statuses whatever the source: an empty address only gives them a reason.
    const explained = await current.explain({ accessKeyId, temporary: false }, { ip: '' }, NO_SERVICE);
    if (!ownPolicyDecides(explained)) affected.add(accessKeyId);
  }
  return affected;
}

function changeOf(row: SimulatedTraffic, exempt: ReadonlySet<string>): SourceChange | undefined {
  // The rollups keep no outcome per service: an exempt service's calls are taken as allowed.
  let exemptCalls = 0;
  for (const [service, calls] of row.services) if (exempt.has(service)) exemptCalls += calls;
  const calls = Math.max(0, row.allowed + row.denied - exemptCalls);
  if (calls === 0) return undefined;
  const services = [...row.services]
    .filter(([service, count]) => count > 0 && !exempt.has(service))
    .sort(([a, m], [b, n]) => n - m || compareText(a, b))
    .map(([service]) => service);
  if (row.otherServices > 0) services.push('*');
  return { sourceIp: row.sourceIp, vpcId: row.vpcId, calls, lastSeen: row.lastSeen, services };
}

/**
 * Most calls allowed or denied first (those a policy decides; as ListAccessKeySources counts
 * them), then by key, address and VPC: the cap keeps the heaviest, the same each time.
 */
function byWeight(a: SimulatedTraffic, b: SimulatedTraffic): number {
  return (
    b.allowed + b.denied - (a.allowed + a.denied) ||
    compareText(a.accessKeyId, b.accessKeyId) ||
    compareText(a.sourceIp, b.sourceIp) ||
    compareText(a.vpcId ?? '', b.vpcId ?? '')
  );
}

function sum(changes: readonly SourceChange[]): number {
  return changes.reduce((total, c) => total + c.calls, 0);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
