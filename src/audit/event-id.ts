import { randomFillSync } from 'node:crypto';
import { HEX_BYTE as HEX } from '../common/hex-byte.js';

const MAX_TIME = 2 ** 48 - 1;
const BYTES_PER_ID = 10;
// Random bytes for 512 IDs: one randomFillSync call instead of one per ID.
const pool = Buffer.alloc(BYTES_PER_ID * 512);
let used = pool.length;

/**
 * A new event's ID: an upper-case UUID, as ActionTrail's, laid out as a version 7 UUID (RFC
 * 9562): the request's arrival in milliseconds, then 74 random bits. IDs made in time order sort
 * in time order, so every insert lands at the end of the primary-key index instead of on a
 * random page of it (at a million events the index no longer fits in memory, and random
 * inserts each read and rewrite a page).
 */
export function newEventId(arrival: number): string {
  if (used + BYTES_PER_ID > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const r = used;
  used += BYTES_PER_ID;
  const time = Math.min(MAX_TIME, Math.max(0, Math.floor(arrival)));
  const high = Math.floor(time / 2 ** 16);
  const low = time % 2 ** 16;
  return (
    `${HEX[high >>> 24]}${HEX[(high >>> 16) & 0xff]}${HEX[(high >>> 8) & 0xff]}${HEX[high & 0xff]}-` +
    `${HEX[low >>> 8]}${HEX[low & 0xff]}-` +
    `7${HEX[pool[r]!]!.slice(1)}${HEX[pool[r + 1]!]}-` +
    `${HEX[(pool[r + 2]! & 0x3f) | 0x80]}${HEX[pool[r + 3]!]}-` +
    `${HEX[pool[r + 4]!]}${HEX[pool[r + 5]!]}${HEX[pool[r + 6]!]}${HEX[pool[r + 7]!]}${HEX[pool[r + 8]!]}${HEX[pool[r + 9]!]}`
  );
}
