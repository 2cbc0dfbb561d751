import pg from 'pg';
import type { ChangeFeedOptions, ChangeListener, ChangeSubscription } from '../change-feed.js';
import { POSTGRES_TIMEOUTS } from './postgres-connection.js';
import type { PostgresStoreConfig } from './postgres-store-config.js';

/** The channel every write transaction notifies at commit, with the last version it appended. */
export const CHANGES_CHANNEL = 'keyfence_changes';
/** How the listening connection shows in `pg_stat_activity`, so operators can tell it apart. */
export const CHANGE_FEED_APPLICATION_NAME = 'keyfence-change-feed';

const DEFAULT_RECONNECT_MIN_MS = 100;
const DEFAULT_RECONNECT_MAX_MS = 5000;
const versionPayload = /^[1-9][0-9]{0,15}$/;

/**
 * Opens one dedicated connection (outside the pool: a pooled connection is handed to other
 * queries and would stop listening) and LISTENs on `CHANGES_CHANNEL`. Resolves once listening;
 * a first connection that fails rejects, since a node that cannot reach its database cannot
 * start anyway. Later losses are retried with exponential backoff until `close`.
 */
export async function listenForChanges(
  config: PostgresStoreConfig,
  listener: ChangeListener,
  options: ChangeFeedOptions = {},
): Promise<ChangeSubscription> {
  const feed = new PostgresChangeFeed(config, listener, options);
  await feed.open();
  return feed;
}

class PostgresChangeFeed implements ChangeSubscription {
  readonly pushes = true;
  readonly #config: PostgresStoreConfig;
  readonly #listener: ChangeListener;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  #client: pg.Client | undefined;
  #delayMs: number;
  #reconnects = 0;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #attempt: Promise<void> = Promise.resolve();

  constructor(config: PostgresStoreConfig, listener: ChangeListener, options: ChangeFeedOptions) {
    this.#config = config;
    this.#listener = listener;
    this.#minDelayMs = options.reconnectMinMs ?? DEFAULT_RECONNECT_MIN_MS;
    this.#maxDelayMs = Math.max(this.#minDelayMs, options.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS);
    this.#delayMs = this.#minDelayMs;
  }

  get listening(): boolean {
    return this.#client !== undefined;
  }

  get reconnects(): number {
    return this.#reconnects;
  }

  async open(): Promise<void> {
    this.#attempt = this.#connect();
    await this.#attempt;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#attempt.catch(() => {});
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#config.connectionString,
      application_name: CHANGE_FEED_APPLICATION_NAME,
      // A peer that vanished without a FIN (a partition) is noticed by TCP keepalive, not by waiting.
      ...POSTGRES_TIMEOUTS,
    });
    let established = false;
    let lost = false;
    const onLost = (error: unknown) => {
      if (lost) return;
      lost = true;
      client.end().catch(() => {});
      if (!established || this.#client !== client) return;
      this.#client = undefined;
      if (this.#closed) return;
      this.#listener.failed(error);
      this.#scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('the change feed connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL || message.payload === undefined) return;
      if (versionPayload.test(message.payload)) this.#listener.changed(Number(message.payload));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      lost = true;
      await client.end().catch(() => {});
      throw error;
    }
    if (lost) throw new Error('the change feed connection ended while it was being opened');
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    established = true;
    this.#client = client;
  }

  #scheduleReconnect(): void {
    // Half to all of the current delay, so that many nodes cut off at once do not all return at once.
    const delay = this.#delayMs * (0.5 + Math.random() / 2);
    this.#delayMs = Math.min(this.#delayMs * 2, this.#maxDelayMs);
    this.#timer = setTimeout(() => {
      this.#attempt = this.#reconnect();
    }, delay);
    this.#timer.unref();
  }

  async #reconnect(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#connect();
    } catch (error) {
      if (this.#closed) return;
      this.#listener.failed(error);
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) return;
    this.#reconnects++;
    this.#delayMs = this.#minDelayMs;
    this.#listener.resumed();
  }
}
