import { KeyFenceError } from '../common/keyfence-error.js';
import { type AccessKeyPolicy, ALLOW_ALL_VPC, type CanonicalPolicyJson } from '../policy/policy-document.js';
import { isVpcId } from '../policy/vpc-id.js';

function isStatement(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as { Type?: unknown; Value?: unknown; IPList?: unknown };
  if (s.Type === 'VPCWhiteList') {
    if (typeof s.Value !== 'string' || !(s.Value === ALLOW_ALL_VPC || isVpcId(s.Value))) return false;
  } else if (s.Type !== 'ClassicWhiteList') {
    return false;
  }
  if (!Array.isArray(s.IPList) || s.IPList.length === 0) return false;
  for (const entry of s.IPList) if (typeof entry !== 'string') return false;
  return true;
}

/**
 * A stored canonical policy as the decision index takes it. Stored documents were fully
 * validated when they were written, and loading a million of them must take seconds, so only
 * their shape is checked here; every entry is still parsed strictly when the index compiles it.
 * Limits are not checked: lowering one later must not make a node refuse what is stored. A
 * document that does not have the shape is corruption: loading stops rather than enforce
 * something other than what was set.
 */
export function decodeStoredPolicy(json: CanonicalPolicyJson, where: string): AccessKeyPolicy {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const p = value as { Version?: unknown; Status?: unknown; Statements?: unknown } | undefined;
  const valid =
    typeof p === 'object' &&
    p !== null &&
    p.Version === 1 &&
    (p.Status === 'Active' || p.Status === 'Inactive') &&
    Array.isArray(p.Statements) &&
    p.Statements.every(isStatement);
  if (!valid)
    throw new KeyFenceError('Sync.CorruptPolicy', `the stored policy of ${where} is not a valid policy`);
  return value as AccessKeyPolicy;
}
