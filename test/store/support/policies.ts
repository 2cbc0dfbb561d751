import type { CanonicalPolicyJson } from '../../../src/policy/policy-document.js';

/**
 * Canonical policy documents for store tests. The store trusts its caller to have validated
 * and canonicalised them (src/policy), so tests build them directly.
 */
export function classicPolicy(...ips: string[]): CanonicalPolicyJson {
  return JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [{ Type: 'ClassicWhiteList', IPList: ips }],
  }) as CanonicalPolicyJson;
}
