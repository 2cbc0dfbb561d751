import type { ActionDefinition } from '../../rpc/action.js';
import { checkAccessKeyAccess } from './check-access-key-access.js';
import { confirmAccessKeyPolicyChange } from './confirm-access-key-policy-change.js';
import { deleteAccessKeyPolicyCandidate } from './delete-access-key-policy-candidate.js';
import { getAccessKeyPolicyCandidate } from './get-access-key-policy-candidate.js';
import { getAccessKeyPolicyDescriptions } from './get-access-key-policy-descriptions.js';
import { getAccessKeyPolicyEntryUsage } from './get-access-key-policy-entry-usage.js';
import { getPolicyVersionStatus } from './get-policy-version-status.js';
import { listAccessKeyPolicyHistory } from './list-access-key-policy-history.js';
import { listAccessKeySources } from './list-access-key-sources.js';
import { promoteAccessKeyPolicyCandidate } from './promote-access-key-policy-candidate.js';
import { recommendAccessKeyPolicy } from './recommend-access-key-policy.js';
import { setAccessKeyPolicyCandidate } from './set-access-key-policy-candidate.js';
import { simulateAccessKeyPolicy } from './simulate-access-key-policy.js';

/** KeyFence 2026-12-01: KeyFence's own actions, for what Alibaba's API has no action. */
export const KEYFENCE_ACTIONS: readonly ActionDefinition[] = Object.freeze([
  checkAccessKeyAccess,
  getPolicyVersionStatus,
  listAccessKeySources,
  simulateAccessKeyPolicy,
  recommendAccessKeyPolicy,
  setAccessKeyPolicyCandidate,
  getAccessKeyPolicyCandidate,
  deleteAccessKeyPolicyCandidate,
  promoteAccessKeyPolicyCandidate,
  getAccessKeyPolicyEntryUsage,
  getAccessKeyPolicyDescriptions,
  confirmAccessKeyPolicyChange,
  listAccessKeyPolicyHistory,
]);
