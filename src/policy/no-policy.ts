import { type AccessKeyPolicy, NEVER_SET_POLICY } from './policy-document.js';

/**
 * True for the document GetAccessKeyPolicy returns when a scope's policy was never set: `{}`,
 * with JSON whitespace tolerated because tools such as Terraform re-format documents.
 */
export function isNeverSet(text: string): boolean {
  return text.replace(/[ \t\n\r]/g, '') === NEVER_SET_POLICY;
}

/**
 * True for the policy that stands for "removed" (there is no delete call): Inactive with no
 * statements. An Inactive policy that still has statements is a distinct state and is not cleared.
 */
export function isClearedPolicy(policy: AccessKeyPolicy): boolean {
  return policy.Status === 'Inactive' && policy.Statements.length === 0;
}
