/**
 * A binary min-heap of candidate merges, cheapest first and, at equal cost, the leftmost
 * (lowest address) first, so that the order of merges depends on the addresses alone.
 */
export class CidrMergeQueue<T> {
  readonly #items: { readonly cost: bigint; readonly at: bigint; readonly value: T }[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(cost: bigint, at: bigint, value: T): void {
    const items = this.#items;
    items.push({ cost, at, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** The cheapest merge with its cost as pushed; undefined when empty. */
  pop(): { readonly cost: bigint; readonly value: T } | undefined {
    const items = this.#items;
    const top = items[0];
    if (top === undefined) return undefined;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      while (true) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < items.length && this.#before(left, least)) least = left;
        if (right < items.length && this.#before(right, least)) least = right;
        if (least === i) break;
        this.#swap(i, least);
        i = least;
      }
    }
    return top;
  }

  #before(i: number, j: number): boolean {
    const a = this.#items[i]!;
    const b = this.#items[j]!;
    return a.cost < b.cost || (a.cost === b.cost && a.at < b.at);
  }

  #swap(i: number, j: number): void {
    const items = this.#items;
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
