import { type Kysely, sql } from 'kysely';
import { firstClaims, type SignatureNonce } from '../queries/signature-nonces.js';
import type { StoreDatabase } from '../schema/database.js';

/**
 * Claims a batch in one statement (atomic on its own, so no transaction): the rows travel as one
 * JSON array, as audit events do (postgres-audit-events.ts), and RETURNING names the rows this
 * statement inserted. Two nodes inserting the same row at once: the second waits for the first
 * to commit and then skips it, so exactly one of them sees it returned.
 */
export async function claimPostgresSignatureNonces(
  db: Kysely<StoreDatabase>,
  nonces: readonly SignatureNonce[],
): Promise<boolean[]> {
  const rows = JSON.stringify(nonces.map((n) => ({ expires_at: n.expiresAt, digest: n.digest })));
  const { rows: inserted } = await sql<{ digest: string }>`insert into signature_nonces (expires_at, digest)
    select expires_at, digest from json_to_recordset(${rows}::json) as batch(expires_at bigint, digest text)
    on conflict do nothing
    returning digest`.execute(db);
  return firstClaims(nonces, new Set(inserted.map((row) => row.digest)));
}
