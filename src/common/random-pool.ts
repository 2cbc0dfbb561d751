import { randomFillSync } from 'node:crypto';

/**
 * Fresh bytes from the OS CSPRNG, shared by every ID, secret and IV this process makes. One
 * randomFillSync call fills 64 KiB: a call costs about 80 µs on a busy server whatever its size up
 * to there (4 µs back to back), which per request ID or per key created in bulk would otherwise
 * dominate. Every byte is handed out once.
 */
export const randomPool = Buffer.allocUnsafe(64 * 1024);
let offset = randomPool.length;

/**
 * Where `length` (at most the pool's size) fresh bytes start in `randomPool`; they are valid until
 * the next draw, for callers that read them at once and want no copy (request and event IDs).
 */
export function drawRandom(length: number): number {
  if (offset + length > randomPool.length) {
    randomFillSync(randomPool);
    offset = 0;
  }
  const at = offset;
  offset += length;
  return at;
}

/** `length` fresh bytes of their own, to keep. */
export function takeRandomBytes(length: number): Buffer {
  if (length > randomPool.length) return randomFillSync(Buffer.allocUnsafe(length));
  const at = drawRandom(length);
  return Buffer.from(randomPool.subarray(at, at + length));
}
