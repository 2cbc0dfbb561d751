import type { DecisionIndex } from '../policy/decision-index.js';
import type { KeyFenceStore } from '../store/keyfence-store.js';
import type { ChangeConsumer } from './change-consumer.js';
import { decodeStoredPolicy } from './stored-policy.js';

/**
 * Fills `index`, then each consumer, from one consistent snapshot of the store and returns the
 * snapshot's version, from which `changesSince` continues. Pages are applied as they arrive, so
 * a million keys never sit in memory twice.
 */
export async function loadIndex(
  store: KeyFenceStore,
  index: DecisionIndex,
  consumers: readonly ChangeConsumer[] = [],
): Promise<number> {
  const version = await store.snapshot(async (snapshot) => {
    for await (const page of snapshot.accounts()) {
      for (const a of page) {
        if (a.policy !== null) {
          index.setAccountPolicy(
            a.accountId,
            decodeStoredPolicy(a.policy, `account ${a.accountId}`),
            a.policyVersion,
          );
        }
        if (a.candidate !== null) {
          const candidate = decodeStoredPolicy(a.candidate, `candidate of account ${a.accountId}`);
          index.setAccountCandidate(a.accountId, candidate, a.candidateVersion);
        }
      }
    }
    for await (const page of snapshot.accessKeys()) {
      for (const k of page) {
        const policy = k.policy === null ? null : decodeStoredPolicy(k.policy, `AccessKey ${k.accessKeyId}`);
        index.setKey(k.accessKeyId, k.accountId, policy, k.policyVersion);
        if (k.candidate !== null) {
          const candidate = decodeStoredPolicy(k.candidate, `candidate of AccessKey ${k.accessKeyId}`);
          index.setKeyCandidate(k.accessKeyId, candidate, k.candidateVersion);
        }
      }
    }
    for (const consumer of consumers) await consumer.load(snapshot);
    return snapshot.version;
  });
  index.compact();
  return version;
}
