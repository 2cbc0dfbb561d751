import { drawRandom, randomPool } from '../common/random-pool.js';
import { uuidText } from '../common/uuid-text.js';

const MAX_TIME = 2 ** 48 - 1;
const RANDOM_BYTES = 10;
/** The ID's 16 bytes: the time, then random ones from the pool. */
const bytes = Buffer.alloc(16);

/**
 * A new event's ID: an upper-case UUID, as ActionTrail's, laid out as a version 7 UUID (RFC
 * 9562): the request's arrival in milliseconds, then 74 random bits. IDs made in time order sort
 * in time order, so every insert lands at the end of the primary-key index instead of on a
 * random page of it (at a million events the index no longer fits in memory, and random
 * inserts each read and rewrite a page).
 */
export function newEventId(arrival: number): string {
  const time = Math.min(MAX_TIME, Math.max(0, Math.floor(arrival)));
  // The 48-bit time goes in the 6 bytes before the ID's random ones.
  const high = Math.floor(time / 2 ** 16);
  const low = time % 2 ** 16;
  bytes.writeUInt32BE(high, 0);
  bytes.writeUInt16BE(low, 4);
  const at = drawRandom(RANDOM_BYTES);
  randomPool.copy(bytes, 6, at, at + RANDOM_BYTES);
  return uuidText(bytes, 0, 7);
}
