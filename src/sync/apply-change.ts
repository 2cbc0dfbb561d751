import type { DecisionIndex } from '../policy/decision-index.js';
import type { ChangeRecord } from '../store/change-log/change-record.js';
import type { ChangeConsumer } from './change-consumer.js';
import { decodeStoredPolicy } from './stored-policy.js';

/**
 * Applies one change-log record to the decision index. Records that do not affect network-ACL
 * decisions (users, roles, key status, temporary credentials) leave it as it is.
 */
export function applyChange(index: DecisionIndex, change: ChangeRecord): void {
  switch (change.kind) {
    case 'key.created':
      index.setKey(change.accessKeyId, change.accountId, null, 0);
      return;
    case 'key.deleted':
      index.removeKey(change.accessKeyId);
      return;
    case 'policy.key.set':
      index.setKey(
        change.accessKeyId,
        change.accountId,
        decodeStoredPolicy(change.policy, `AccessKey ${change.accessKeyId}`),
        change.version,
      );
      return;
    case 'policy.account.set':
      index.setAccountPolicy(
        change.accountId,
        decodeStoredPolicy(change.policy, `account ${change.accountId}`),
        change.version,
      );
      return;
    case 'candidate.key.set':
      index.setKeyCandidate(
        change.accessKeyId,
        change.policy === null
          ? null
          : decodeStoredPolicy(change.policy, `candidate of AccessKey ${change.accessKeyId}`),
        change.version,
      );
      return;
    case 'candidate.account.set':
      index.setAccountCandidate(
        change.accountId,
        change.policy === null
          ? null
          : decodeStoredPolicy(change.policy, `candidate of account ${change.accountId}`),
        change.version,
      );
      return;
    default:
      return;
  }
}

/**
 * Applies every change after `version` to the index and then to each consumer; returns the
 * version reached. `onApplied` hears each version as soon as the index and every consumer have
 * it: a pass that fails part-way (a consumer's store read) must resume at the change that failed,
 * never replay older changes over newer ones already applied.
 */
export async function catchUp(
  index: DecisionIndex,
  changesSince: (version: number, limit: number) => Promise<readonly ChangeRecord[]>,
  version: number,
  pageSize = 1000,
  onApplied?: (version: number) => void,
  consumers: readonly ChangeConsumer[] = [],
): Promise<number> {
  while (true) {
    const changes = await changesSince(version, pageSize);
    for (const change of changes) {
      applyChange(index, change);
      for (const consumer of consumers) await consumer.apply(change);
      version = change.version;
      onApplied?.(version);
    }
    if (changes.length < pageSize) return version;
  }
}
