/**
 * Nodes upgraded together: three real `keyfence serve` processes (bin/keyfence.js,
 * so `npm run build` first) started at once on one PostgreSQL database left at an old schema,
 * as a rolling deploy with several replicas does. Migrations run in one transaction under an
 * advisory lock, so each is applied once and every node comes up on the current schema.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { PostgresStoreDialect } from '../../src/store/postgres/postgres-store-dialect.js';
import { migrations } from '../../src/store/schema/migrations.js';
import { MasterKey } from '../../src/store/secrets/master-key.js';
import { assertBuilt } from '../support/cluster.js';
import {
  type CapturedOutput,
  captureOutput,
  jsonLines,
  kill,
  REPO_ROOT,
} from '../support/keyfence-process.js';
import { usePostgres } from '../support/postgres.js';
import { withClient } from '../support/postgres-server.js';

const postgres = usePostgres();
const BIN = join(REPO_ROOT, 'bin', 'keyfence.js');
// The schema of a release that had the first three migrations.
const OLD_SCHEMA = 3;

const root = await mkdtemp(join(tmpdir(), 'keyfence-migrate-'));
after(() => rm(root, { recursive: true, force: true }));

/** A database as an older KeyFence left it: migrated to `OLD_SCHEMA`, with one account. */
async function oldDatabase(): Promise<string> {
  const url = await postgres.createDatabase();
  const dialect = new PostgresStoreDialect({ dialect: 'postgres', connectionString: url });
  try {
    await dialect.write(async (db) => {
      await sql`create table keyfence_migrations (name text primary key, applied_at bigint not null)`.execute(
        db,
      );
      for (const [name, migration] of migrations.slice(0, OLD_SCHEMA)) {
        await migration.up(db, 'postgres');
        await db.insertInto('keyfence_migrations').values({ name, applied_at: Date.now() }).execute();
      }
      await sql`insert into accounts (account_id, created_at, policy_version) values ('1000000000000001', ${Date.now()}, 0)`.execute(
        db,
      );
    });
  } finally {
    await dialect.close();
  }
  return url;
}

type Node = CapturedOutput & { readonly child: ChildProcess };

function startNode(name: string, databaseUrl: string, env: NodeJS.ProcessEnv): Node {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--database-url', databaseUrl, '--data', join(root, name), '--listen', '127.0.0.1:0'],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { child, ...captureOutput(child) };
}

test('three nodes started together on an old schema all come up, and the schema is current', async () => {
  assertBuilt();
  const databaseUrl = await oldDatabase();
  const env = { ...process.env, KEYFENCE_MASTER_KEY: MasterKey.generate().encode() };
  const nodes: Node[] = [];
  try {
    // The gate: the migrations table locked until all three nodes wait at it, so they reach the
    // migrations at the same moment, not a few milliseconds apart as they would by chance.
    await withClient(databaseUrl, async (gate) => {
      await gate.query('begin');
      await gate.query('lock table keyfence_migrations in access exclusive mode');
      for (const name of ['a', 'b', 'c']) nodes.push(startNode(name, databaseUrl, env));
      const deadline = Date.now() + 30_000;
      for (;;) {
        // Inside a transaction the activity view is read once and kept unless cleared.
        await gate.query('select pg_stat_clear_snapshot()');
        const { rows } = await gate.query<{ waiting: number }>(
          "select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
        if (rows[0]!.waiting === nodes.length) break;
        for (const node of nodes) assert.equal(node.child.exitCode, null, `a node exited:\n${node.stderr()}`);
        assert.ok(Date.now() < deadline, 'the nodes did not all reach the migrations');
        await delay(20);
      }
      await gate.query('commit');
    });
    const deadline = Date.now() + 30_000;
    for (const node of nodes) {
      while (!jsonLines(node.stderr()).some((line) => line.msg === 'listening')) {
        assert.equal(node.child.exitCode, null, `a node exited:\n${node.stderr()}`);
        assert.ok(Date.now() < deadline, `a node did not start:\n${node.stderr()}`);
        await delay(20);
      }
    }
    const applied = await withClient(databaseUrl, async (client) =>
      (await client.query<{ name: string }>('select name from keyfence_migrations order by name')).rows.map(
        (row) => row.name,
      ),
    );
    assert.deepEqual(
      applied,
      migrations.map(([name]) => name),
    );
    for (const node of nodes) {
      const errors = jsonLines(node.stderr()).filter((line) => Number(line.level) >= 50);
      assert.deepEqual(errors, [], node.stderr());
    }
  } finally {
    await Promise.all(nodes.map((node) => kill(node.child, node.exited, 10_000)));
  }
});
