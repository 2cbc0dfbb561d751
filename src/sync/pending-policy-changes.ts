import type { ChangeRecord, Snapshot } from '../store/index.js';
import type { ChangeConsumer } from './change-consumer.js';

/**
 * The commit-confirmed policy changes awaiting confirmation (docs/server.md, "Commit-confirmed
 * changes"), in memory: which version of which scope a call that passes would confirm. Loaded
 * from the decision index's snapshot and kept current from the change log; usually empty, so
 * that the gate's check costs one comparison.
 */
export class PendingPolicyChanges implements ChangeConsumer {
  /** Scope key (`scopeKey`) → the version awaiting confirmation. */
  readonly #pending = new Map<string, number>();

  get size(): number {
    return this.#pending.size;
  }

  /** The version of the scope (an AccessKey ID, or an account ID) awaiting confirmation, if any. */
  versionOf(scope: string): number | undefined {
    return this.#pending.get(scope);
  }

  async load(snapshot: Snapshot): Promise<void> {
    for await (const page of snapshot.pendingPolicyChanges()) {
      for (const p of page) this.#pending.set(p.accessKeyId ?? p.accountId, p.policyVersion);
    }
  }

  apply(change: ChangeRecord): void {
    switch (change.kind) {
      case 'policy.account.set':
      case 'policy.key.set': {
        // A change of the scope ends the wait for the one before; it may start its own.
        const scope = change.kind === 'policy.key.set' ? change.accessKeyId : change.accountId;
        if (change.autoRevertAt === undefined) this.#pending.delete(scope);
        else this.#pending.set(scope, change.version);
        return;
      }
      case 'policy.confirmed': {
        const scope = change.accessKeyId ?? change.accountId;
        if (this.#pending.get(scope) === change.policyVersion) this.#pending.delete(scope);
        return;
      }
      case 'key.deleted':
        this.#pending.delete(change.accessKeyId);
        return;
      default:
        return;
    }
  }
}
