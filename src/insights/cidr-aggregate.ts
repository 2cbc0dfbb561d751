import { blockOf, blockSize, type CidrBlock, commonPrefixLength, familyBits } from './cidr-block.js';
import { CidrMergeQueue } from './cidr-merge-queue.js';

/** One address to cover, with its ceiling (cidr-ceiling.ts): the widest block it may end up in. */
export interface AggregateInput {
  readonly family: 4 | 6;
  readonly value: bigint;
  readonly ceiling: CidrBlock;
}

interface Node {
  readonly block: CidrBlock;
  /** The ceiling of every address inside: only nodes under one ceiling may merge. */
  readonly ceiling: CidrBlock;
  prev: Node | undefined;
  next: Node | undefined;
  alive: boolean;
}

/**
 * Covers the addresses with at most `maxBlocks` blocks, each inside the ceiling of
 * the addresses it holds, opening as few addresses never seen as a greedy search finds. It starts
 * from the exact addresses and, while there are too many blocks, merges the two neighbours whose
 * smallest common block adds the fewest addresses not already covered (a common block swallows
 * every block inside it). Finding the fewest-addresses cover exactly is a dynamic program over the
 * address trie per ceiling; the greedy merge is O(n log n), near it for the few dozen entries a
 * statement holds, and every merge stays under one ceiling, so it always reaches the fewest blocks
 * possible (one per ceiling). The caller makes sure `maxBlocks` is at least that.
 *
 * `inputs` must be distinct addresses, IPv4 before IPv6, each family in ascending order; the
 * blocks come back in the same order.
 */
export function aggregateBlocks(inputs: readonly AggregateInput[], maxBlocks: number): CidrBlock[] {
  let head: Node | undefined;
  let tail: Node | undefined;
  for (const input of inputs) {
    const node: Node = {
      block: { family: input.family, first: input.value, prefix: familyBits(input.family) },
      ceiling: input.ceiling,
      prev: tail,
      next: undefined,
      alive: true,
    };
    if (tail === undefined) head = node;
    else tail.next = node;
    tail = node;
  }
  let count = inputs.length;
  const queue = new CidrMergeQueue<readonly [Node, Node]>();
  const offer = (left: Node | undefined, right: Node | undefined): void => {
    if (left === undefined || right === undefined || !sameBlock(left.ceiling, right.ceiling)) return;
    queue.push(mergeCost(left, right), left.block.first, [left, right]);
  };
  if (count > maxBlocks) for (let node = head; node !== undefined; node = node.next) offer(node, node.next);
  while (count > maxBlocks) {
    const top = queue.pop();
    if (top === undefined) break;
    const [left, right] = top.value;
    if (!left.alive || !right.alive || left.next !== right) continue;
    // A merge costs more once a block inside its common block merged outwards: re-queue it then,
    // so the one taken is the cheapest at the time it is taken.
    const cost = mergeCost(left, right);
    if (cost !== top.cost) {
      queue.push(cost, left.block.first, [left, right]);
      continue;
    }
    const common = commonBlock(left.block, right.block);
    let first = left;
    while (first.prev !== undefined && inside(common, first.prev.block)) first = first.prev;
    let last = right;
    while (last.next !== undefined && inside(common, last.next.block)) last = last.next;
    const merged: Node = {
      block: common,
      ceiling: left.ceiling,
      prev: first.prev,
      next: last.next,
      alive: true,
    };
    for (let node: Node | undefined = first; node !== last.next; node = node!.next) {
      node!.alive = false;
      count--;
    }
    count++;
    if (merged.prev === undefined) head = merged;
    else merged.prev.next = merged;
    if (merged.next !== undefined) merged.next.prev = merged;
    offer(merged.prev, merged);
    offer(merged, merged.next);
  }
  const blocks: CidrBlock[] = [];
  for (let node = head; node !== undefined; node = node.next) blocks.push(node.block);
  return blocks;
}

/** The smallest block holding both (disjoint) blocks. */
function commonBlock(a: CidrBlock, b: CidrBlock): CidrBlock {
  const prefix = Math.min(a.prefix, b.prefix, commonPrefixLength(a.family, a.first, b.first));
  return blockOf(a.family, a.first, prefix);
}

function sameBlock(a: CidrBlock, b: CidrBlock): boolean {
  return a.family === b.family && a.first === b.first && a.prefix === b.prefix;
}

function inside(outer: CidrBlock, inner: CidrBlock): boolean {
  return (
    inner.family === outer.family &&
    inner.prefix >= outer.prefix &&
    blockOf(inner.family, inner.first, outer.prefix).first === outer.first
  );
}

/** The addresses merging two neighbours would open that no block covers yet. */
function mergeCost(left: Node, right: Node): bigint {
  const common = commonBlock(left.block, right.block);
  let covered = blockSize(left.block) + blockSize(right.block);
  for (let node = left.prev; node !== undefined && inside(common, node.block); node = node.prev) {
    covered += blockSize(node.block);
  }
  for (let node = right.next; node !== undefined && inside(common, node.block); node = node.next) {
    covered += blockSize(node.block);
  }
  return blockSize(common) - covered;
}
