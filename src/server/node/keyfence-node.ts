import type { Logger } from 'pino';
import { DEFAULT_REGION } from '../../audit/audit-writer.js';
import { ReplayGuard } from '../../auth/replay-guard.js';
import { ChoreRunner } from '../../common/chore-runner.js';
import { CONFIG_DEFAULTS } from '../../config/config-defaults.js';
import type { ServerConfig } from '../../config/server-config.js';
import { DecisionIndex } from '../../policy/decision-index.js';
import { isStoreError, type KeyFenceStore } from '../../store/index.js';
import { AuditRetention } from '../../sync/audit-retention.js';
import { CredentialCache } from '../../sync/credential-cache.js';
import { IndexFollower, type SyncStatistics } from '../../sync/index-follower.js';
import { NodeHeartbeat } from '../../sync/node-heartbeat.js';
import { describeFailure, type OutageLog } from '../../sync/outage-log.js';
import { PendingPolicyChanges } from '../../sync/pending-policy-changes.js';
import { type Staleness, StoreContact } from '../../sync/store-contact.js';
import { StoreHousekeeping } from '../../sync/store-housekeeping.js';
import { UserPolicyAttachments } from '../../sync/user-policy-attachments.js';
import { AccessGate } from '../access/access-gate.js';
import { credentialLookup } from '../access/credential-adapter.js';
import { Exemptions } from '../access/exemptions.js';
import { KeyUseRecorder } from '../access/key-use-recorder.js';
import { PolicyPassRecorder } from '../access/policy-pass-recorder.js';
import { DecisionCounters } from '../metrics/decision-counters.js';
import type { ServerStatus } from '../metrics/server-status.js';
import { type DurableNonces, openDurableNonces } from './durable-nonces.js';
import { PolicyAutoRevert } from './policy-auto-revert.js';

export interface KeyFenceNodeOptions {
  readonly config: ServerConfig;
  /** Opened and closed by the caller; the node only uses it. */
  readonly store: KeyFenceStore;
  readonly log: Logger;
  /** Where store failures are summed up, an outage at a time. */
  readonly outage: OutageLog;
  /** Arrival times, signature windows, key expiry and last use: one clock (tests pin it). */
  readonly now: () => Date;
}

/**
 * What decides, without the HTTP around it: the decision index kept current from the change
 * log, the credentials and policy attachments held in memory, the replay guard and where its
 * nonces are kept, the gate every entry point passes, and the node's periodic chores
 * (heartbeat, housekeeping, audit retention, key-use flushes) on one runner. Its `status` is what `/readyz` and
 * `/metrics` report.
 */
export class KeyFenceNode {
  readonly gate: AccessGate;
  readonly follower: IndexFollower;
  /** The RAM users' policy attachments, as this node holds them (kept current from the change log). */
  readonly attachments = new UserPolicyAttachments();
  /** The policy changes awaiting confirmation (commit-confirm), as this node holds them. */
  readonly pendingPolicyChanges = new PendingPolicyChanges();
  readonly decisions = new DecisionCounters();
  readonly #contact: StoreContact;
  readonly #credentials: CredentialCache;
  readonly #heartbeat: NodeHeartbeat;
  readonly #keyUses: KeyUseRecorder;
  readonly #policyPasses: PolicyPassRecorder;
  readonly #retention: AuditRetention;
  /** Undefined with `replayProtection: memory`. */
  readonly #nonces: DurableNonces | undefined;
  readonly #chores: ChoreRunner;
  readonly #log: Logger;
  #ready = false;
  #stopping: Promise<void> | undefined;

  constructor(options: KeyFenceNodeOptions) {
    const { config, store, log, outage } = options;
    this.#log = log;
    this.#contact = new StoreContact({ staleAfterMs: config.sync.staleAfterMs });
    const onError = (what: string) => (error: unknown) => {
      if (isStoreError(error, 'Store.Database')) this.#contact.failed();
      outage.failed(what, error);
    };
    this.#credentials = new CredentialCache(store, {
      onUndecryptable: onError('a stored AccessKey secret does not decrypt: the key cannot authenticate'),
    });
    const exemptions = new Exemptions(config.exemptServices);
    this.follower = new IndexFollower(
      store,
      new DecisionIndex({ exemptServices: exemptions.wholeServices }),
      {
        pollIntervalMs: config.sync.pollIntervalMs,
        onError: onError('applying the change log failed'),
        onApplied: () => this.#heartbeat.beat(),
        onFeed: (error) => {
          if (error === undefined) log.info('the change feed is listening again; caught up');
          else
            log.warn({ error: describeFailure(error) }, 'the change feed lost its connection; reconnecting');
        },
        consumers: [this.#credentials, this.attachments, this.pendingPolicyChanges],
        onSynced: () => {
          this.#contact.succeeded();
          outage.succeeded();
        },
      },
    );
    this.#heartbeat = new NodeHeartbeat(store, {
      nodeId: config.nodeId,
      heartbeatMs: config.sync.heartbeatMs,
      appliedVersion: () => this.follower.appliedVersion,
      onError: onError('recording the node status failed'),
    });
    this.#keyUses = new KeyUseRecorder(store, {
      intervalMs: config.sync.keyUseFlushMs,
      onError: onError('recording AccessKey last use failed; kept for the next attempt'),
    });
    const housekeeping = new StoreHousekeeping(store, {
      intervalMs: config.sync.housekeepingMs,
      forgetNodesAfterMs: config.sync.forgetNodesAfterMs,
      onDeleted: (chore, count) => log.info({ chore, count }, 'housekeeping deleted rows'),
      onError: (chore, error) =>
        onError(`housekeeping (${chore}) failed; tried again at the next interval`)(error),
    });
    this.#retention = new AuditRetention(store, {
      nodeId: config.nodeId,
      days: config.retention.days,
      checkMs: config.retention.checkMs,
      batchRows: config.retention.batchRows ?? CONFIG_DEFAULTS.retentionBatchRows[store.dialect],
      now: options.now,
      onPass: (pass) => log.info(pass, 'retention pass'),
      onError: onError('audit retention failed; tried again at the next check'),
    });
    this.#policyPasses = new PolicyPassRecorder(store, this.pendingPolicyChanges, {
      intervalMs: config.sync.keyUseFlushMs,
      onError: onError('confirming policy changes by use failed; kept for the next attempt'),
    });
    const autoRevert = new PolicyAutoRevert(store, {
      intervalMs: config.sync.heartbeatMs,
      region: DEFAULT_REGION,
      now: options.now,
      onReverted: (revert) => log.warn(revert, 'a policy change was not confirmed in time and was reverted'),
      onError: onError('reverting unconfirmed policy changes failed; tried again at the next interval'),
    });
    this.#chores = new ChoreRunner([
      this.#heartbeat.chore,
      housekeeping.chore,
      this.#retention.chore,
      this.#keyUses.chore,
      this.#policyPasses.chore,
      autoRevert.chore,
    ]);
    const replayGuard = new ReplayGuard();
    this.#nonces = openDurableNonces({
      config,
      store,
      guard: replayGuard,
      log,
      onUnreachable: onError(
        'storing signature nonces failed: replays are refused from this node’s memory only until the store is back',
      ),
    });
    this.gate = new AccessGate({
      follower: this.follower,
      trustedProxies: config.trustedProxies,
      replayGuard,
      ...(this.#nonces === undefined ? {} : { nonceLedger: this.#nonces }),
      credentials: (request) =>
        credentialLookup((accessKeyId) => this.#credentials.find(accessKeyId), request),
      findCredential: (accessKeyId) =>
        this.#credentials.get(accessKeyId) ?? this.#credentials.find(accessKeyId),
      securityTokenExpiry: (accessKeyId, token) => store.securityTokenExpiry(accessKeyId, token),
      keyUses: this.#keyUses,
      policyPasses: this.#policyPasses,
      exemptions,
      now: options.now,
      decisions: this.decisions,
    });
  }

  /** This node's name in the node status table. */
  get nodeId(): string {
    return this.#heartbeat.nodeId;
  }

  /** The change-log version whose policies are enforced (0 before the index is loaded). */
  get appliedVersion(): number {
    return this.follower.appliedVersion;
  }

  /** How this node follows the change log: versions, lag, notifications and polls. */
  get sync(): SyncStatistics {
    return this.follower;
  }

  /** Loaded, started and not stopping: API calls are answered. */
  get ready(): boolean {
    return this.#ready;
  }

  /** `stop` was called. */
  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  get staleness(): Staleness {
    return this.#contact.staleness;
  }

  /** How this node stands with the store and what it holds in memory. */
  get status(): ServerStatus {
    const credentials = this.#credentials.counters;
    const keyUses = this.#keyUses.counters;
    const nonces = this.#nonces?.counters;
    return {
      appliedVersion: this.follower.appliedVersion,
      ...this.#contact.staleness,
      sinceStoreContactMs: this.#contact.sinceLastSuccessMs,
      storeErrors: this.#contact.failures,
      credentialsHeld: credentials.held,
      credentialMisses: credentials.misses,
      keyUsesPending: keyUses.pending,
      keyUsesDropped: keyUses.dropped,
      nonceBatches: nonces?.batches ?? 0,
      noncesPending: nonces?.backlog ?? 0,
      noncesDropped: nonces?.dropped ?? 0,
      lateReplays: nonces?.lateReplays ?? 0,
      retentionDeleted: this.#retention.deleted,
    };
  }

  /**
   * Loads the decision index from the store and follows the change log; then, unless `stop` was
   * called meanwhile, turns ready and starts its chores (the heartbeat names `address`).
   */
  async start(address: string): Promise<void> {
    await this.follower.start();
    if (this.#stopping !== undefined) return;
    this.#ready = true;
    this.#heartbeat.start(address);
    this.#chores.start();
  }

  /**
   * Not ready from now on; once `drain` (the requests in flight) settled, stops following the
   * change log and its chores, records the node as stopped and writes what waits in memory
   * (nonces, key uses). Called once; later calls join the first.
   */
  stop(drain: () => Promise<void> = async () => {}): Promise<void> {
    this.#ready = false;
    this.#stopping ??= this.#stop(drain);
    return this.#stopping;
  }

  async #stop(drain: () => Promise<void>): Promise<void> {
    await drain();
    const unstored = (await this.#nonces?.close()) ?? 0;
    if (unstored > 0) {
      this.#log.warn({ count: unstored }, 'signature nonces accepted from memory were never stored');
    }
    await this.follower.stop();
    // A retention pass under way ends after its batch, rather than holding up the stop.
    await this.#retention.stop();
    await this.#chores.stop();
    await this.#heartbeat.stop();
    this.#credentials.close();
    await this.#keyUses.close();
    await this.#policyPasses.flush();
  }
}
