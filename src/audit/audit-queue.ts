/**
 * A bounded first-in, first-out buffer between the request path and the audit writer. Adding
 * never blocks and never fails the caller: when the buffer is full the new item is dropped and
 * counted, so a slow or unavailable database costs audit events, never requests (the way OPA's
 * decision-log buffer behaves). A ring over a fixed array: no allocation per item.
 */
export class AuditQueue<T> {
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;
  #dropped = 0;
  #accepted = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`audit queue capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  /** Items waiting. */
  get depth(): number {
    return this.#size;
  }

  /** Items refused because the queue was full, since it was created. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Items accepted since the queue was created: the last one's place in the order they are taken
   * in (the first item accepted is 1).
   */
  get accepted(): number {
    return this.#accepted;
  }

  /** Adds `item` at the end; false (and counted) when the queue is full. */
  offer(item: T): boolean {
    if (this.#size === this.capacity) {
      this.#dropped++;
      return false;
    }
    this.#items[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    this.#accepted++;
    return true;
  }

  /** Removes and returns up to `max` items, oldest first. */
  take(max: number): T[] {
    const count = Math.min(max, this.#size);
    const taken = new Array<T>(count);
    for (let i = 0; i < count; i++) {
      taken[i] = this.#items[this.#head] as T;
      // Released at once, so a drained queue holds no references to old records.
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
    }
    this.#size -= count;
    return taken;
  }
}
