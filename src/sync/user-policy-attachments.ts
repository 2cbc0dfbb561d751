import type { AccountId, ChangeRecord, Snapshot, UserName } from '../store/index.js';
import type { ChangeConsumer } from './change-consumer.js';

/**
 * The system policies attached to each RAM user (RAM's AttachPolicyToUser), in memory: loaded
 * from the decision index's snapshot and kept current from the change log, so that authorizing
 * a RAM user's call needs no database (fail-static, docs/fail-static.md).
 */
export class UserPolicyAttachments implements ChangeConsumer {
  readonly #byUser = new Map<string, Set<string>>();

  /** The names of the system policies attached to the user, in no particular order. */
  policiesOf(accountId: AccountId, userName: UserName): readonly string[] {
    return [...(this.#byUser.get(userKey(accountId, userName)) ?? [])];
  }

  async load(snapshot: Snapshot): Promise<void> {
    for await (const page of snapshot.userPolicyAttachments()) {
      for (const a of page)
        if (a.policyType === 'System') this.#attach(userKey(a.accountId, a.userName), a.policyName);
    }
  }

  apply(change: ChangeRecord): void {
    switch (change.kind) {
      case 'user.policy.attached':
        if (change.policyType === 'System')
          this.#attach(userKey(change.accountId, change.userName), change.policyName);
        return;
      case 'user.policy.detached': {
        const key = userKey(change.accountId, change.userName);
        const attached = this.#byUser.get(key);
        attached?.delete(change.policyName);
        if (attached?.size === 0) this.#byUser.delete(key);
        return;
      }
      case 'user.updated': {
        // Attachments follow a rename in the store (ON UPDATE CASCADE).
        if (change.userName === change.previousUserName) return;
        const from = userKey(change.accountId, change.previousUserName);
        const attached = this.#byUser.get(from);
        if (attached === undefined) return;
        this.#byUser.delete(from);
        this.#byUser.set(userKey(change.accountId, change.userName), attached);
        return;
      }
      case 'user.deleted':
        this.#byUser.delete(userKey(change.accountId, change.userName));
        return;
      default:
        return;
    }
  }

  #attach(key: string, policyName: string): void {
    const attached = this.#byUser.get(key);
    if (attached === undefined) this.#byUser.set(key, new Set([policyName]));
    else attached.add(policyName);
  }
}

// User names are letters, digits and `._-`: the colon cannot occur in either part.
const userKey = (accountId: AccountId, userName: UserName): string => `${accountId}:${userName}`;
