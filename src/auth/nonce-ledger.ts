/**
 * Where accepted signature nonces are recorded beyond this process: across its restarts and
 * every node sharing the store (docs/auth.md, "Replay guard"). Implemented on the store's side
 * (NonceBatcher over KeyFenceStore.claimSignatureNonces) and injected, so that auth/ never
 * depends on the store.
 */
export interface NonceLedger {
  /**
   * Claims the nonce of a verified request already admitted by this process's ReplayGuard.
   * Resolves true when this is the first claim of the request (or when the claim could not be
   * recorded and the ledger answers from memory), false when it was claimed before: a replay.
   * Never rejects.
   */
  claim(accessKeyId: string, nonce: string, requestTime: Date): Promise<boolean>;
}
