import type { Chore } from '../../common/chore.js';
import type { Decision } from '../../policy/decision.js';
import type { AccessKeyId, AccountId, KeyFenceStore, PolicyPass, PolicyScope } from '../../store/index.js';
import type { PendingPolicyChanges } from '../../sync/pending-policy-changes.js';

export interface PolicyPassRecorderOptions {
  /** How often the passes seen are written (by the recorder's `chore`). */
  readonly intervalMs: number;
  /** Told of each failed write; its passes are kept and written at the next interval. Must not throw. */
  readonly onError: (error: unknown) => void;
}

interface Waiting {
  readonly scope: PolicyScope;
  readonly policyVersion: number;
  readonly pass: PolicyPass;
}

/**
 * Confirms commit-confirmed policy changes by use (docs/server.md, "Commit-confirmed changes"):
 * a call that a scope's policy lets in under the version awaiting confirmation confirms it. Off
 * the hot path, as key uses are: the gate hands every allowed decision to `observe`, which costs
 * one comparison while no change awaits confirmation anywhere and otherwise a map lookup, and
 * keeps the first pass per scope in memory; the recorder's chore writes them in one transaction
 * per interval (`confirmPolicyChange`, conditional, so that nodes confirming the same change at
 * once do no harm). The `policy.confirmed` change it appends tells every node to stop watching.
 */
export class PolicyPassRecorder {
  readonly #store: Pick<KeyFenceStore, 'write'>;
  readonly #pending: PendingPolicyChanges;
  readonly #onError: (error: unknown) => void;
  #waiting = new Map<string, Waiting>();
  /** Written already: not written again while the change log has not caught up with it. */
  readonly #written = new Map<string, number>();
  #writing: Promise<void> = Promise.resolve();
  readonly chore: Chore;

  constructor(
    store: Pick<KeyFenceStore, 'write'>,
    pending: PendingPolicyChanges,
    options: PolicyPassRecorderOptions,
  ) {
    this.#store = store;
    this.#pending = pending;
    this.#onError = options.onError;
    this.chore = { intervalMs: options.intervalMs, run: () => this.flush(), onError: options.onError };
  }

  /** An allowed decision for a permanent key of `accountId`, made for the request `requestId`. */
  observe(
    decision: Decision,
    accountId: AccountId,
    accessKeyId: AccessKeyId,
    request: {
      readonly requestId: string;
      readonly at: Date;
      readonly ip: string;
      readonly vpcId: string | null;
    },
  ): void {
    if (this.#pending.size === 0 || decision.scope === 'none') return;
    const key = decision.scope === 'accessKey' ? accessKeyId : accountId;
    const { policyVersion } = decision;
    if (this.#pending.versionOf(key) !== policyVersion) return;
    if (this.#waiting.has(key) || this.#written.get(key) === policyVersion) return;
    this.#waiting.set(key, {
      scope:
        decision.scope === 'accessKey'
          ? { scope: 'accessKey', accountId, accessKeyId }
          : { scope: 'account', accountId },
      policyVersion,
      pass: {
        at: request.at,
        requestId: request.requestId,
        accessKeyId,
        sourceIp: request.ip,
        vpcId: request.vpcId,
      },
    });
  }

  /** Writes the passes seen; resolves (never rejects) once written, kept for later if it failed. */
  flush(): Promise<void> {
    for (const [key, version] of this.#written) {
      if (this.#pending.versionOf(key) !== version) this.#written.delete(key);
    }
    if (this.#waiting.size === 0) return this.#writing;
    const batch = this.#waiting;
    this.#waiting = new Map();
    this.#writing = this.#writing.then(async () => {
      try {
        await this.#store.write(async (tx) => {
          for (const w of batch.values()) await tx.confirmPolicyChange(w.scope, w.policyVersion, w.pass);
        });
        for (const [key, w] of batch) this.#written.set(key, w.policyVersion);
      } catch (error) {
        for (const [key, w] of batch) if (!this.#waiting.has(key)) this.#waiting.set(key, w);
        this.#onError(error);
      }
    });
    return this.#writing;
  }
}
