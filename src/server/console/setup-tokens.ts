import { takeRandomBytes } from '../../common/random-pool.js';
import { sha256Hex } from '../../common/sha256-hex.js';
import type { AccountId, KeyFenceStore } from '../../store/index.js';

/** How long a setup link works. */
export const SETUP_TOKEN_TTL_MS = 60 * 60_000;

export interface SetupToken {
  readonly accountId: AccountId;
  /** Goes into the link's fragment, which browsers never send: no proxy log holds it. */
  readonly token: string;
}

/**
 * A fresh single-use token for every account whose root has no console password yet, replacing
 * any issued before (by an earlier start): stored as its SHA-256, valid one hour. Whoever holds
 * the link sets root's password (`POST /console/api/setup`).
 */
export async function issueSetupTokens(store: KeyFenceStore, now: () => Date): Promise<SetupToken[]> {
  const accounts = await store.accountsWithoutRootPassword();
  if (accounts.length === 0) return [];
  const expiresAt = new Date(now().getTime() + SETUP_TOKEN_TTL_MS);
  const tokens = accounts.map((accountId) => ({
    accountId,
    token: takeRandomBytes(32).toString('base64url'),
  }));
  await store.write(async (tx) => {
    for (const { accountId, token } of tokens)
      await tx.putConsoleSetupToken(accountId, sha256Hex(token), expiresAt);
  });
  return tokens;
}
