import type { AuditedRequest } from './audit-event.js';
import { sameEvent } from './same-event.js';

/**
 * An event waiting in the audit queue for one or more identical allowed requests: the first
 * one's record, and how many were folded into it. It takes more only while it is open, i.e.
 * until the writer takes it from the queue (audit-coalescer.ts), and only requests of the same
 * UTC second as the first: ActionTrail's `eventTime` names a second, so an event never stands
 * for requests of another.
 */
export class CoalescedEvent {
  readonly record: AuditedRequest;
  /** Requests this event stands for, the first included. */
  count = 1;
  /** The latest arrival among them, in ms since the epoch. */
  lastArrival: number;
  /** Its place in the audit queue's order (AuditQueue.accepted): what a record folded in waits for. */
  readonly sequence: number;
  readonly #second: number;

  constructor(record: AuditedRequest, arrival: number, sequence: number) {
    this.record = record;
    this.lastArrival = arrival;
    this.sequence = sequence;
    this.#second = Math.floor(arrival / 1000);
  }

  /**
   * Folds `record` (arrived at `arrival` ms) in when it makes the same event and shares the
   * first request's second; false, changing nothing, otherwise. Allocates nothing.
   */
  fold(record: AuditedRequest, arrival: number): boolean {
    if (Math.floor(arrival / 1000) !== this.#second || !sameEvent(this.record, record)) return false;
    this.count++;
    if (arrival > this.lastArrival) this.lastArrival = arrival;
    return true;
  }
}

/** What waits in the audit queue: one request's record, or an event for identical allowed ones. */
export type QueuedRequest = AuditedRequest | CoalescedEvent;
