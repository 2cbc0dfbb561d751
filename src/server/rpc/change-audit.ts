import type { KeyFenceStore, NewAuditEvent, StoreTransaction } from '../../store/index.js';

/**
 * One call's audit event, stored in the transaction that makes its change (docs/audit.md,
 * "Durability"). `write` runs the store's and, once `work` has resolved, appends the call's event
 * in the same transaction: the change and its event commit together or not at all, so no
 * acknowledged change is ever without its event, a kill -9 at any moment included. Every change
 * an action makes goes through it (`ActionContext.write`).
 *
 * Only the first write that commits carries the event, built as the call's success: the event
 * of a call stands for the call, not for each of its transactions. A write that rolls back takes
 * its event with it, and the next write tries again.
 */
export class ChangeAudit {
  readonly #store: Pick<KeyFenceStore, 'write'>;
  readonly #eventOf: (tx: StoreTransaction) => Promise<NewAuditEvent>;
  #committed = false;

  constructor(
    store: Pick<KeyFenceStore, 'write'>,
    eventOf: (tx: StoreTransaction) => Promise<NewAuditEvent>,
  ) {
    this.#store = store;
    this.#eventOf = eventOf;
  }

  async write<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    if (this.#committed) return this.#store.write(work);
    const result = await this.#store.write(async (tx) => {
      const value = await work(tx);
      await tx.appendAuditEvent(await this.#eventOf(tx));
      return value;
    });
    this.#committed = true;
    return result;
  }

  /**
   * Appends the call's event in `tx`, a transaction the caller runs: for a change that learns
   * inside its transaction whom the event names. It commits or rolls back with `tx`; `committed`
   * does not follow it.
   */
  async appendIn(tx: StoreTransaction): Promise<void> {
    await tx.appendAuditEvent(await this.#eventOf(tx));
  }

  /** Whether a write committed, and with it the call's event. */
  get committed(): boolean {
    return this.#committed;
  }
}
