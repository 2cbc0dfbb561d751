import { randomFillSync } from 'node:crypto';

const pool = Buffer.allocUnsafe(16 * 1024);
let offset = pool.length;

/**
 * `length` fresh bytes from the OS CSPRNG, drawn from a pooled buffer: one getrandom() call per
 * 16 KiB instead of one per ID, secret or IV, which otherwise dominates creating keys in bulk.
 * Every byte is handed out once.
 */
export function takeRandomBytes(length: number): Buffer {
  if (length > pool.length) return randomFillSync(Buffer.allocUnsafe(length));
  if (offset + length > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + length));
  offset += length;
  return bytes;
}
