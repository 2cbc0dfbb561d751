import type { KeyFenceStore, NewAuditEvent, StoreTransaction } from '../../store/index.js';

/**
 * One call's audit event, stored in the transaction that makes its change (docs/audit.md,
 * "Durability"). The action gets `store`, whose `write` runs the real one and, once `work` has
 * resolved, appends the call's event in the same transaction: the change and its event commit
 * together or not at all, so no acknowledged change is ever without its event, a kill -9 at any
 * moment included. Actions need not know: every change an action makes goes through `write`.
 *
 * Only the first write that commits carries the event, built as the call's success: the event
 * of a call stands for the call, not for each of its transactions. A write that rolls back takes
 * its event with it, and the next write tries again.
 */
export class ChangeAudit {
  readonly store: KeyFenceStore;
  #committed = false;

  constructor(store: KeyFenceStore, eventOf: (tx: StoreTransaction) => Promise<NewAuditEvent>) {
    const write = async <T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> => {
      if (this.#committed) return store.write(work);
      const result = await store.write(async (tx) => {
        const value = await work(tx);
        await tx.appendAuditEvent(await eventOf(tx));
        return value;
      });
      this.#committed = true;
      return result;
    };
    // Everything but `write` is the store's own, called on the store (its fields are private).
    this.store = new Proxy(store, {
      get(target, name) {
        if (name === 'write') return write;
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Whether a write committed, and with it the call's event. */
  get committed(): boolean {
    return this.#committed;
  }
}
