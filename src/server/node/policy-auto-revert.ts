import { autoRevertEvent } from '../../audit/auto-revert-event.js';
import type { Chore } from '../../common/chore.js';
import type { KeyFenceStore } from '../../store/index.js';

/** Who the policy history names as having made a revert. */
export const AUTO_REVERT_ACTOR = 'keyfence:auto-revert';

// Reverts per round; more wait for the next (a deadline is minutes long, a round seconds apart).
const REVERTS_PER_ROUND = 100;

export interface PolicyAutoRevertOptions {
  readonly intervalMs: number;
  readonly region: string;
  readonly now: () => Date;
  /** Told of each revert made. */
  readonly onReverted: (revert: { readonly revertedVersion: number; readonly policyVersion: number }) => void;
  readonly onError: (error: unknown) => void;
}

/**
 * Reverts commit-confirmed policy changes left unconfirmed past their deadline (docs/server.md,
 * "Commit-confirmed changes"), on every node: each revert is a write transaction that restores
 * the policy only if the scope is still at that version and still awaits confirmation
 * (`revertPolicyChange`), so when several nodes try, one reverts and the others find nothing to
 * do. The revert is an ordinary change with its audit event in the same transaction.
 */
export class PolicyAutoRevert {
  readonly #store: Pick<KeyFenceStore, 'listDuePolicyChanges' | 'write'>;
  readonly #options: PolicyAutoRevertOptions;
  #round: Promise<void> | undefined;
  readonly chore: Chore;

  constructor(
    store: Pick<KeyFenceStore, 'listDuePolicyChanges' | 'write'>,
    options: PolicyAutoRevertOptions,
  ) {
    this.#store = store;
    this.#options = options;
    this.chore = { intervalMs: options.intervalMs, run: () => this.run(), onError: options.onError };
  }

  /** One round; a round under way is joined rather than doubled. */
  run(): Promise<void> {
    this.#round ??= this.#revertDue().finally(() => {
      this.#round = undefined;
    });
    return this.#round;
  }

  async #revertDue(): Promise<void> {
    const now = this.#options.now();
    const due = await this.#store.listDuePolicyChanges(now.getTime(), REVERTS_PER_ROUND);
    for (const { scope, policyVersion } of due) {
      const reverted = await this.#store.write(async (tx) => {
        const done = await tx.revertPolicyChange(scope, policyVersion, {
          actor: AUTO_REVERT_ACTOR,
          now: now.getTime(),
        });
        if (done === null) return null;
        await tx.appendAuditEvent(
          autoRevertEvent({
            scope,
            revertedVersion: policyVersion,
            policyVersion: done.set.version,
            entryDescriptions: done.entryMetadata,
            at: now,
            region: this.#options.region,
          }),
        );
        return done;
      });
      if (reverted !== null) {
        this.#options.onReverted({ revertedVersion: policyVersion, policyVersion: reverted.set.version });
      }
    }
  }
}
