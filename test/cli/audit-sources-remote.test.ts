/**
 * `keyfence audit sources --endpoint …` against a running server: the real CLI entry point in its
 * own process, signing with the standard Alibaba variables, asking ListAccessKeySources and
 * following its pages; a table by default, every source with --json; exit 1 on any refusal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserName } from '../../src/store/index.js';
import { classic } from '../server/actions/support/check-server.js';
import { useDialects } from '../store/support/dialects.js';
import { keyfenceCli as keyfence } from '../support/remote-cli.js';
import { expectError, expectSuccess } from '../support/server-harness.js';
import { startCliServer } from './support/cli-server.js';

const [sqlite] = useDialects();

describe('keyfence audit sources against a server', async () => {
  const t = await startCliServer(sqlite!);
  const { env } = t;
  for (let i = 0; i < 2; i++) expectSuccess(await t.aliceFrom('203.0.113.5'));
  expectSuccess(await t.aliceFrom('198.51.100.7'));
  await t.setPolicy({ kind: 'accessKey', key: t.alice }, classic('203.0.113.0/24'));
  expectError(await t.aliceFrom('192.0.2.9'), 400, 'InvalidAccessKeyId.AccessPolicyDenied');
  await t.sink.flush();
  const alice = await t.store.getUser(t.accountId, 'alice' as UserName);
  const sources = (...args: string[]) => ['audit', 'sources', '--endpoint', t.url, ...args];

  test('a table of one key’s sources, most calls first', async () => {
    const run = await keyfence(sources('--key', t.alice.accessKeyId, '--since', '7d'), env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(lines[0]!, /^3 sources from \S+Z to \S+Z$/);
    assert.match(
      lines[2]!,
      /^ACCESSKEY +SOURCE +VPC +ALLOWED +DENIED +FIRST SEEN +LAST SEEN +COVERED +NEW +SERVICES$/,
    );
    assert.match(
      lines[3]!,
      new RegExp(`^${t.alice.accessKeyId} +203\\.0\\.113\\.5 +- +2 +0 +\\S+ +\\S+ +yes +new +sts:2$`),
    );
    assert.match(lines[4]!, /^\S+ +192\.0\.2\.9 +- +0 +1 +\S+ +\S+ +no +new +sts:1$/);
    assert.match(lines[5]!, /^\S+ +198\.51\.100\.7 +- +1 +0 /);
  });

  test('--user, --sort last-seen, --limit across pages of the API, --json', async () => {
    const run = await keyfence(
      sources('--user', alice.userPrincipalName, '--sort', 'last-seen', '--limit', '2', '--json'),
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout);
    assert.equal(body.TotalCount, 3);
    assert.deepEqual(
      body.Sources.map((s: { SourceIp: string }) => s.SourceIp),
      ['192.0.2.9', '198.51.100.7'],
    );
    const table = await keyfence(sources('--key', t.alice.accessKeyId, '--limit', '1'), env);
    assert.match(table.stdout, /^3 sources from \S+ to \S+ \(the first 1; --limit for more\)\n/);
  });

  test('the server’s refusal, bad arguments or no credentials: exit 1', async () => {
    const unknown = await keyfence(sources('--key', 'LTAI5tNoSuchKeyNoSuchKey'), env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /EntityNotExist\.User\.AccessKey/);
    const tooLong = await keyfence(sources('--since', '400d', '--json'), env);
    assert.equal(tooLong.code, 1);
    assert.equal(JSON.parse(tooLong.stdout).Code, 'InvalidTimeRange.Length');
    for (const args of [
      ['--key', t.alice.accessKeyId, '--user', alice.userPrincipalName],
      ['--sort', 'newest'],
      ['--since', 'yesterday'],
      ['--limit', '0'],
    ]) {
      const run = await keyfence(sources(...args), env);
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.stderr, /^keyfence audit sources: /);
    }
    const anonymous = await keyfence(sources());
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /ALIBABA_CLOUD_ACCESS_KEY_ID/);
  });
});
