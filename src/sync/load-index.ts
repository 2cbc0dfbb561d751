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
        if (a.policy === null) continue;
        index.setAccountPolicy(
          a.accountId,
          decodeStoredPolicy(a.policy, `account ${a.accountId}`),
          a.policyVersion,
        );
      }
    }
    for await (const page of snapshot.accessKeys()) {
      for (const k of page) {
        const policy = k.policy === null ? null : decodeStoredPolicy(k.policy, `AccessKey ${k.accessKeyId}`);
        index.setKey(k.accessKeyId, k.accountId, policy, k.policyVersion);
      }
    }
    for await (const page of snapshot.candidates()) {
      for (const c of page) {
        if (c.accessKeyId === null) {
          index.setAccountCandidate(
            c.accountId,
            decodeStoredPolicy(c.policy, `candidate of account ${c.accountId}`),
            c.version,
          );
        } else {
          const policy = decodeStoredPolicy(c.policy, `candidate of AccessKey ${c.accessKeyId}`);
          index.setKeyCandidate(c.accessKeyId, policy, c.version);
        }
      }
    }
    for (const consumer of consumers) await consumer.load(snapshot);
    return snapshot.version;
  });
  index.compact();
  return version;
}
