import type { AccessKeyPolicy, CanonicalPolicyJson } from './policy-document.js';

/**
 * The one stored and returned form of a policy: keys in a fixed order, `Value` only on a
 * VPCWhiteList, no whitespace. Two documents that mean the same thing after `parsePolicy`
 * serialise to the same text, so stored policies compare as strings.
 */
export function serializePolicy(policy: AccessKeyPolicy): CanonicalPolicyJson {
  // Built field by field, so an extra property on a caller's object is never written out.
  const statements = policy.Statements.map((s) =>
    s.Type === 'VPCWhiteList'
      ? { Type: s.Type, Value: s.Value, IPList: [...s.IPList] }
      : { Type: s.Type, IPList: [...s.IPList] },
  );
  return JSON.stringify({ Version: 1, Status: policy.Status, Statements: statements }) as CanonicalPolicyJson;
}
