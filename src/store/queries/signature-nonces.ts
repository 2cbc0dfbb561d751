import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../schema/database.js';

/** A signature nonce to claim: what identifies it, and until when it could be replayed. */
export interface SignatureNonce {
  /** Opaque to the store; the same request always has the same digest, on every node. */
  readonly digest: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/**
 * Rows kept this long past their expiry before housekeeping deletes them: a node whose clock is
 * behind the housekeeping node's by less than this still finds the claims it could be replayed.
 */
export const SIGNATURE_NONCE_PURGE_GRACE_MS = 5 * 60_000;

/** How many rows one purge transaction deletes, about: deleting is interleaved with claims. */
export const SIGNATURE_NONCE_PURGE_CHUNK = 10_000;

/**
 * Which of `nonces` this call inserted, in their order: true for a first claim, false for one
 * that was already stored (a replay) or repeated earlier in `nonces`.
 */
export function firstClaims(nonces: readonly SignatureNonce[], inserted: ReadonlySet<string>): boolean[] {
  const unclaimed = new Set(inserted);
  return nonces.map((nonce) => unclaimed.delete(nonce.digest));
}

/**
 * Deletes the expired rows with the earliest expiries, at least `chunk` of them (all rows that
 * share the last expiry deleted go too) or every row expired before `before`; returns how many.
 */
export async function purgeSignatureNonceChunk(
  db: Kysely<StoreDatabase>,
  before: number,
  chunk: number,
): Promise<number> {
  const boundary = await db
    .selectFrom('signature_nonces')
    .select('expires_at')
    .where('expires_at', '<', before)
    .orderBy('expires_at')
    .limit(1)
    .offset(chunk)
    .executeTakeFirst();
  const result = await db
    .deleteFrom('signature_nonces')
    .where('expires_at', boundary === undefined ? '<' : '<=', boundary?.expires_at ?? before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
