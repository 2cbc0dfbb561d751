import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets or signatures in time independent of where they differ. Both sides are
 * hashed first so that inputs of different lengths cost the same as equal-length ones
 * (`timingSafeEqual` itself throws on a length mismatch, and an early return would leak it).
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const digestA = createHash('sha256').update(a).digest();
  const digestB = createHash('sha256').update(b).digest();
  return timingSafeEqual(digestA, digestB);
}
