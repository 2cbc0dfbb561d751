import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { MasterKey } from './master-key.js';
import { SecretBox } from './secret-box.js';
import { SecurityTokenStamp } from './security-token-stamp.js';

const fingerprintName = 'master_key_fingerprint';

/**
 * Holds the master key for one open store and ties it to the database: the first transaction
 * that seals a secret records the key's fingerprint, and a store opened later with another
 * key is refused at once, instead of failing on the first request that needs a secret.
 */
export class SecretKeeper {
  readonly #box: SecretBox | null;
  readonly #tokens: SecurityTokenStamp | null;
  #fingerprintStored = false;

  constructor(masterKey: MasterKey | undefined) {
    this.#box = masterKey === undefined ? null : new SecretBox(masterKey);
    this.#tokens = masterKey === undefined ? null : new SecurityTokenStamp(masterKey);
  }

  async verify(db: Kysely<StoreDatabase>): Promise<void> {
    if (this.#box === null) return;
    const stored = await readFingerprint(db);
    if (stored !== undefined && stored !== this.#box.fingerprint) throw new StoreError('MasterKey.Mismatch');
    this.#fingerprintStored = stored !== undefined;
  }

  /** For a write transaction about to seal secrets: records the fingerprint if still absent. */
  async sealer(db: Kysely<StoreDatabase>): Promise<SecretBox> {
    const box = this.opener();
    if (this.#fingerprintStored) return box;
    await db
      .insertInto('keyfence_meta')
      .values({ name: fingerprintName, value: box.fingerprint })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    if ((await readFingerprint(db)) !== box.fingerprint) throw new StoreError('MasterKey.Mismatch');
    // Not remembered here: this transaction may still roll back and take the row with it.
    return box;
  }

  opener(): SecretBox {
    if (this.#box === null) throw new StoreError('MasterKey.Missing');
    return this.#box;
  }

  /** Issues and reads STS SecurityTokens; null without a master key. */
  get tokens(): SecurityTokenStamp | null {
    return this.#tokens;
  }
}

async function readFingerprint(db: Kysely<StoreDatabase>): Promise<string | undefined> {
  const row = await db
    .selectFrom('keyfence_meta')
    .select('value')
    .where('name', '=', fingerprintName)
    .executeTakeFirst();
  return row?.value;
}
