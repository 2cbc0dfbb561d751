import { randomFillSync } from 'node:crypto';
import { uuidText } from '../../common/uuid-text.js';

const BYTES_PER_ID = 16;
// Random bytes for 4096 IDs (64 KiB). A randomFillSync call costs about 80 µs on a busy server
// whatever its size up to there (against 4 µs when called back to back), so the pool is refilled
// rarely: 20 ns per ID instead of 160 ns with 512.
const pool = Buffer.alloc(BYTES_PER_ID * 4096);
let used = pool.length;

/**
 * A request's ID: a random (version 4) UUID in upper case, the shape of Alibaba's `RequestId`,
 * from pooled random bytes, which costs less than `randomUUID().toUpperCase()` on every request;
 * random rather than sequential, so that an ID tells a client nothing about the node's other
 * traffic.
 */
export function newRequestId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const id = uuidText(pool, used, 4);
  used += BYTES_PER_ID;
  return id;
}
