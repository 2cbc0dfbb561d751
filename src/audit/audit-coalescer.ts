import { type KeyCaller, keyCallerOnly } from '../request/caller.js';
import type { AuditedRequest } from './audit-event.js';
import type { AuditQueue } from './audit-queue.js';
import type { AuditBacklog } from './audit-writer.js';
import { CoalescedEvent, type QueuedRequest } from './coalesced-event.js';

/**
 * Whether a record may be folded into an earlier identical one: an allowed, successful
 * forward-auth or gateway request of an established caller. Those are the platform's every API
 * call, tens of thousands a second, mostly the same client doing the same thing; storing each as
 * its own event costs more CPU than serving it. Denied and failed requests and RPC API calls stay
 * one event each: each may need to be found by the RequestId its response named.
 */
function coalescible(record: AuditedRequest): record is AuditedRequest & { readonly caller: KeyCaller } {
  return (
    (record.entryPoint === 'forward-auth' || record.entryPoint === 'gateway') &&
    record.errorCode === null &&
    record.httpStatus < 400 &&
    record.decision?.allowed === true &&
    record.caller !== null &&
    record.caller.type !== 'console-session'
  );
}

/**
 * The audit queue as the request path and the writer see it: `offer` folds a coalescible record
 * into the open event of its AccessKey when it makes the same event in the same second
 * (coalesced-event.ts), and queues it otherwise; `take` hands the writer the oldest items and
 * closes the events among them, so that no count changes once the writer has read it.
 *
 * Each AccessKey has at most one open event, the one most recently queued for it; an event
 * replaced by a newer one is never reopened. Open events are all in the queue, so there are never
 * more of them than the queue holds.
 */
export class AuditCoalescer implements AuditBacklog {
  readonly #queue: AuditQueue<QueuedRequest>;
  readonly #coalesce: boolean;
  readonly #open = new Map<string, CoalescedEvent>();
  #coalesced = 0;

  /** With `coalesce` false every record is queued as it is. */
  constructor(queue: AuditQueue<QueuedRequest>, coalesce: boolean) {
    this.#queue = queue;
    this.#coalesce = coalesce;
  }

  /** Items waiting: records and events. */
  get depth(): number {
    return this.#queue.depth;
  }

  /** Records refused because the queue was full. */
  get dropped(): number {
    return this.#queue.dropped;
  }

  /** Records folded into an event queued before them. */
  get coalesced(): number {
    return this.#coalesced;
  }

  /**
   * Folds `record` into its key's open event, or queues it. Returns the place in the queue's order
   * (AuditQueue.accepted) of the item that now holds the record, the event it was folded into or
   * the record itself: once the writer has settled that many items, the record's event is written
   * (or given up). 0 when the record was dropped because the queue is full. On the request path:
   * a folded record costs one map lookup and field comparisons, and allocates nothing.
   */
  offer(record: AuditedRequest): number {
    if (!this.#coalesce || !coalescible(record)) {
      return this.#queue.offer(record) ? this.#queue.accepted : 0;
    }
    const key = record.caller.accessKeyId;
    const arrival = record.time.getTime();
    const open = this.#open.get(key);
    if (open?.fold(record, arrival)) {
      this.#coalesced++;
      return open.sequence;
    }
    const event = new CoalescedEvent(record, arrival, this.#queue.accepted + 1);
    // A dropped event must not take later requests: they would be lost with it.
    if (!this.#queue.offer(event)) return 0;
    this.#open.set(key, event);
    return event.sequence;
  }

  /** Removes and returns up to `max` items, oldest first; the events among them take no more. */
  take(max: number): QueuedRequest[] {
    const items = this.#queue.take(max);
    for (const item of items) {
      if (!(item instanceof CoalescedEvent)) continue;
      const key = keyCallerOnly(item.record.caller!).accessKeyId;
      if (this.#open.get(key) === item) this.#open.delete(key);
    }
    return items;
  }
}
