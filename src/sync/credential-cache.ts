import type { ChangeRecord } from '../store/change-log/change-record.js';
import {
  type AccessKeyStatus,
  isStoreError,
  type KeyFenceStore,
  type SigningCredential,
  type Snapshot,
  type UserName,
} from '../store/index.js';
import type { ChangeConsumer } from './change-consumer.js';

type Permanent = Extract<SigningCredential, { readonly kind: 'permanent' }>;
type Temporary = Extract<SigningCredential, { readonly kind: 'temporary' }>;

export interface CredentialCacheOptions {
  /** Told of a credential left out because its stored secret does not open. Must not throw. */
  readonly onUndecryptable: (error: unknown) => void;
  /** How often temporary credentials that have expired are dropped. Default 60 s. */
  readonly sweepIntervalMs?: number;
  readonly now?: () => Date;
}

/** What the cache counts, for metrics. */
export interface CredentialCacheCounters {
  /** Credentials held: permanent keys plus unexpired (or not yet swept) temporary ones. */
  readonly held: number;
  /** Lookups of an ID not held, each answered by one store read. */
  readonly misses: number;
}

const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
/**
 * How long an ID the store did not have is answered from memory, and how many such IDs are
 * remembered: random well-formed IDs must not turn into one database query each. A key created
 * meanwhile arrives by the change log, which clears its entry.
 */
const ABSENT_TTL_MS = 1000;
const MAX_ABSENT = 10_000;

/**
 * Every credential this node can authenticate, secrets decrypted, in memory only: loaded from
 * the decision index's snapshot, then kept current from the change log (a created key or an
 * issued STS credential is read once, by ID; a status change, a deletion, a user's rename or a
 * role's deletion are applied from the record itself). Request authentication then needs no
 * database, so a node keeps authenticating while the database is unreachable (fail-static,
 * docs/fail-static.md), and faster.
 *
 * Secrets stay in `SigningSecret`s, which print and serialise as `[redacted]`; nothing here writes
 * or logs one. Temporary credentials are dropped once expired (a sweep every minute).
 */
export class CredentialCache implements ChangeConsumer {
  readonly #store: Pick<KeyFenceStore, 'revealCredentialForSigning'>;
  readonly #onUndecryptable: (error: unknown) => void;
  readonly #now: () => Date;
  readonly #permanent = new Map<string, Permanent>();
  readonly #temporary = new Map<string, Temporary>();
  readonly #timer: NodeJS.Timeout;
  #misses = 0;
  readonly #absent = new Map<string, number>();

  constructor(store: Pick<KeyFenceStore, 'revealCredentialForSigning'>, options: CredentialCacheOptions) {
    this.#store = store;
    this.#onUndecryptable = options.onUndecryptable;
    this.#now = options.now ?? (() => new Date());
    this.#timer = setInterval(
      () => this.sweepExpired(),
      options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    );
    // The sweep alone never keeps a process alive.
    this.#timer.unref();
  }

  get counters(): CredentialCacheCounters {
    return { held: this.#permanent.size + this.#temporary.size, misses: this.#misses };
  }

  /** The credential held for `accessKeyId`, from memory only. */
  get(accessKeyId: string): SigningCredential | undefined {
    return this.#permanent.get(accessKeyId) ?? this.#temporary.get(accessKeyId);
  }

  /**
   * The credential for a request: from memory; otherwise (a key created on another node since
   * the last change this node applied) one store read. When the store cannot be reached the key
   * is unknown to this node: undefined, as for a key that does not exist. What the read returns
   * is not kept: the change log brings it, in order with the changes that follow.
   */
  async find(accessKeyId: string): Promise<SigningCredential | undefined> {
    const held = this.get(accessKeyId);
    if (held !== undefined) return held;
    const now = this.#now().getTime();
    const absentUntil = this.#absent.get(accessKeyId);
    if (absentUntil !== undefined && absentUntil > now) return undefined;
    this.#misses++;
    try {
      const found = await this.#store.revealCredentialForSigning(accessKeyId);
      if (found === undefined) {
        if (this.#absent.size >= MAX_ABSENT) this.#absent.clear();
        this.#absent.set(accessKeyId, now + ABSENT_TTL_MS);
      }
      return found;
    } catch (error) {
      if (isStoreError(error, 'Store.Database')) return undefined;
      throw error;
    }
  }

  async load(snapshot: Snapshot): Promise<void> {
    for await (const page of snapshot.signingCredentials()) {
      for (const loaded of page) {
        if (loaded.ok) this.#hold(loaded.value);
        else this.#onUndecryptable(loaded.error);
      }
    }
  }

  async apply(change: ChangeRecord): Promise<void> {
    if (change.kind === 'key.created' || change.kind === 'credential.issued')
      this.#absent.delete(change.accessKeyId);
    switch (change.kind) {
      case 'key.created':
        return this.#fetch(change.accessKeyId, { userName: change.userName, status: change.status });
      case 'credential.issued':
        return this.#fetch(change.accessKeyId);
      case 'key.updated': {
        const held = this.#permanent.get(change.accessKeyId);
        if (held !== undefined) this.#permanent.set(change.accessKeyId, { ...held, status: change.status });
        return;
      }
      case 'key.deleted':
        this.#permanent.delete(change.accessKeyId);
        return;
      case 'user.updated':
        if (change.userName !== change.previousUserName) this.#renameUser(change);
        return;
      case 'role.deleted':
        // The store deleted the role's credentials with it.
        for (const [id, held] of this.#temporary) {
          if (held.accountId === change.accountId && held.roleName === change.roleName)
            this.#temporary.delete(id);
        }
        return;
      default:
        return;
    }
  }

  /** Drops temporary credentials that expired before now; returns how many. */
  sweepExpired(): number {
    const now = this.#now().getTime();
    let dropped = 0;
    for (const [id, held] of this.#temporary) {
      if (held.expiration.getTime() < now) {
        this.#temporary.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  /** Stops the sweep. */
  close(): void {
    clearInterval(this.#timer);
  }

  /**
   * Reads the credential as it is now, which may already reflect later changes. A key's owner and
   * status are taken as the change recorded them instead, so that the later changes (renames,
   * status updates), applied again after it, replay exactly: a rename applied to a name the
   * store already renamed could otherwise land the key on another user.
   */
  async #fetch(
    accessKeyId: string,
    asCreated?: { readonly userName: UserName | null; readonly status: AccessKeyStatus },
  ): Promise<void> {
    let found: SigningCredential | undefined;
    try {
      found = await this.#store.revealCredentialForSigning(accessKeyId);
    } catch (error) {
      if (!isStoreError(error, 'Store.SecretUndecryptable')) throw error;
      this.#onUndecryptable(error);
    }
    this.#permanent.delete(accessKeyId);
    this.#temporary.delete(accessKeyId);
    if (found === undefined) return;
    this.#hold(found.kind === 'permanent' && asCreated !== undefined ? { ...found, ...asCreated } : found);
  }

  #hold(credential: SigningCredential): void {
    if (credential.kind === 'permanent') this.#permanent.set(credential.accessKeyId, credential);
    else this.#temporary.set(credential.accessKeyId, credential);
  }

  /** A renamed user's keys follow the rename in the store. */
  #renameUser(change: Extract<ChangeRecord, { readonly kind: 'user.updated' }>): void {
    for (const [id, held] of this.#permanent) {
      if (held.accountId === change.accountId && held.userName === change.previousUserName) {
        this.#permanent.set(id, { ...held, userName: change.userName });
      }
    }
  }
}
