import { randomFillSync } from 'node:crypto';
import { HEX_BYTE as HEX } from '../../common/hex-byte.js';

const BYTES_PER_ID = 16;
// Random bytes for 512 IDs: one randomFillSync call instead of one per ID.
const pool = Buffer.alloc(BYTES_PER_ID * 512);
let used = pool.length;

/**
 * A request's ID: a random (version 4) UUID in upper case, the shape of Alibaba's `RequestId`.
 * Formatted by table straight into upper case from pooled random bytes, which costs less than
 * `randomUUID().toUpperCase()` on every request; random rather than sequential, so that an ID
 * tells a client nothing about the node's other traffic.
 */
export function newRequestId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const p = pool;
  const r = used;
  used += BYTES_PER_ID;
  return (
    `${HEX[p[r]!]}${HEX[p[r + 1]!]}${HEX[p[r + 2]!]}${HEX[p[r + 3]!]}-${HEX[p[r + 4]!]}${HEX[p[r + 5]!]}-` +
    `4${HEX[p[r + 6]!]!.slice(1)}${HEX[p[r + 7]!]}-${HEX[(p[r + 8]! & 0x3f) | 0x80]}${HEX[p[r + 9]!]}-` +
    `${HEX[p[r + 10]!]}${HEX[p[r + 11]!]}${HEX[p[r + 12]!]}${HEX[p[r + 13]!]}${HEX[p[r + 14]!]}${HEX[p[r + 15]!]}`
  );
}
