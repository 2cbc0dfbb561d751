import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type CommandResult, runInit } from '../../src/cli/init-command.js';
import {
  type AccessKeyId,
  type AccountId,
  MASTER_KEY_ENV,
  MasterKey,
  openStore,
  readMasterKeyFile,
  type StoreConfig,
} from '../../src/store/index.js';
import { usePostgres } from '../support/postgres.js';

const postgres = usePostgres();
const root = await mkdtemp(join(tmpdir(), 'keyfence-init-'));
after(() => rm(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => join(root, `data-${++dirs}`);

interface Printed {
  accountId: AccountId;
  accessKeyId: AccessKeyId;
  accessKeySecret: string;
}

/** The one JSON object on stdout, with exactly the three fields docs/store.md names. */
function printed(result: CommandResult): Printed {
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, /^\{[^\n]*\}\n$/);
  const output = JSON.parse(result.stdout) as Printed;
  assert.deepEqual(Object.keys(output), ['accountId', 'accessKeyId', 'accessKeySecret']);
  return output;
}

/** The account and key exist in the store, and the secret printed is the one stored. */
async function assertInitialized(config: StoreConfig, output: Printed): Promise<void> {
  const store = await openStore(config);
  try {
    assert.deepEqual(
      (await store.listAccounts()).map((a) => a.accountId),
      [output.accountId],
    );
    const key = await store.getAccessKey(output.accountId, output.accessKeyId);
    assert.equal(key.userName, null);
    assert.equal(key.status, 'Active');
    const credential = await store.revealCredentialForSigning(output.accessKeyId);
    assert.equal(credential?.secret.reveal(), output.accessKeySecret);
    assert.equal(await store.currentVersion(), 2);
  } finally {
    await store.close();
  }
}

function refusedAsInitialized(result: CommandResult): void {
  assert.equal(result.exitCode, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^keyfence init: .*already initialized.*nothing was changed\.\n$/);
}

describe('keyfence init on SQLite', () => {
  test('creates the store, a 0600 master key and the first account with its root key', async () => {
    const data = newDir();
    const output = printed(await runInit({ data, env: {} }));
    assert.match(output.accountId, /^[1-9][0-9]{15}$/);
    assert.match(output.accessKeyId, /^LTAI[0-9A-Za-z]{20}$/);
    assert.match(output.accessKeySecret, /^[0-9A-Za-z]{30}$/);
    assert.equal((await stat(join(data, 'master.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(data)).mode & 0o777, 0o700);
    const masterKey = await readMasterKeyFile(join(data, 'master.key'));
    await assertInitialized({ dialect: 'sqlite', file: join(data, 'keyfence.db'), masterKey }, output);
  });

  test('run twice, it fails with exit code 1 and changes nothing', async () => {
    const data = newDir();
    const output = printed(await runInit({ data, env: {} }));
    const keyFile = await readFile(join(data, 'master.key'));
    const keyStat = await stat(join(data, 'master.key'));
    refusedAsInitialized(await runInit({ data, env: {} }));
    // Even with another master key in the environment.
    refusedAsInitialized(await runInit({ data, env: { [MASTER_KEY_ENV]: MasterKey.generate().encode() } }));
    assert.deepEqual(await readFile(join(data, 'master.key')), keyFile);
    assert.equal((await stat(join(data, 'master.key'))).mtimeMs, keyStat.mtimeMs);
    const masterKey = await readMasterKeyFile(join(data, 'master.key'));
    await assertInitialized({ dialect: 'sqlite', file: join(data, 'keyfence.db'), masterKey }, output);
  });

  test('takes the master key from KEYFENCE_MASTER_KEY, creating no key file', async () => {
    const data = newDir();
    const masterKey = MasterKey.generate();
    const output = printed(await runInit({ data, env: { [MASTER_KEY_ENV]: masterKey.encode() } }));
    await assert.rejects(stat(join(data, 'master.key')), /ENOENT/);
    await assertInitialized({ dialect: 'sqlite', file: join(data, 'keyfence.db'), masterKey }, output);
  });

  test('uses an existing key file, and refuses one that others can read', async () => {
    const data = newDir();
    const keyFile = join(root, `given-${dirs}.key`);
    const masterKey = MasterKey.generate();
    await writeFile(keyFile, masterKey.encode(), { mode: 0o644 });
    const refused = await runInit({ data, masterKeyFile: keyFile, env: {} });
    assert.equal(refused.exitCode, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /must not be readable by group or others/);
    assert.ok(!refused.stderr.includes(masterKey.encode()));

    await rm(keyFile);
    await writeFile(keyFile, masterKey.encode(), { mode: 0o600 });
    const output = printed(await runInit({ data, masterKeyFile: keyFile, env: {} }));
    await assertInitialized({ dialect: 'sqlite', file: join(data, 'keyfence.db'), masterKey }, output);
  });

  test('a malformed master key in the environment is a clear error', async () => {
    const result = await runInit({ data: newDir(), env: { [MASTER_KEY_ENV]: 'not-a-key' } });
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, 'keyfence init: The master key must be 32 bytes, base64-encoded.\n');
  });
});

describe('keyfence init on PostgreSQL', () => {
  test('creates the first account once; a second run, even a concurrent one, changes nothing', async () => {
    const databaseUrl = await postgres.createDatabase();
    const data = newDir();
    const results = await Promise.all([
      runInit({ databaseUrl, data, env: {} }),
      runInit({ databaseUrl, data, env: {} }),
    ]);
    const winner = results.find((r) => r.exitCode === 0)!;
    const loser = results.find((r) => r.exitCode !== 0)!;
    assert.ok(winner && loser, JSON.stringify(results));
    const output = printed(winner);
    assert.equal(loser.exitCode, 1);
    assert.equal(loser.stdout, '');
    const masterKey = await readMasterKeyFile(join(data, 'master.key'));
    await assertInitialized({ dialect: 'postgres', connectionString: databaseUrl, masterKey }, output);
    refusedAsInitialized(await runInit({ databaseUrl, data, env: {} }));
    await assertInitialized({ dialect: 'postgres', connectionString: databaseUrl, masterKey }, output);
  });

  test('an unreachable database is reported without its password', async () => {
    const result = await runInit({
      databaseUrl: 'postgres://keyfence:hunter2@127.0.0.1:1/keyfence',
      data: newDir(),
      env: {},
    });
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^keyfence init: The database operation failed/);
    assert.ok(!result.stderr.includes('hunter2'));
  });
});
