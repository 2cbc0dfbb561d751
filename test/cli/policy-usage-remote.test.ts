/**
 * `keyfence policy usage --endpoint …` against a running server: the real CLI entry point in its
 * own process, signing with the standard Alibaba variables and asking
 * GetAccessKeyPolicyEntryUsage; a table with unused entries flagged by default, the answer with
 * --json; exit 1 on any refusal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useDialects } from '../store/support/dialects.js';
import { keyfenceCli as keyfence } from '../support/remote-cli.js';
import { expectSuccess } from '../support/server-harness.js';
import { startCliServer } from './support/cli-server.js';

const [sqlite] = useDialects();

describe('keyfence policy usage against a server', async () => {
  const t = await startCliServer(sqlite!);
  const { env } = t;
  const usage = (...args: string[]) => ['policy', 'usage', '--endpoint', t.url, ...args];

  test('no policy yet: the server’s refusal, exit 1', async () => {
    const run = await keyfence(usage(), env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^keyfence policy usage: EntityNotExist\.AccessKeyPolicy: /);
  });

  test('a table per entry, unused ones flagged, then the totals', async () => {
    const version = await t.setPolicy(
      { kind: 'accessKey', key: t.alice },
      {
        Version: 1,
        Status: 'Active',
        Statements: [
          { Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24', '192.0.2.1'] },
          { Type: 'VPCWhiteList', Value: 'vpc-abc123', IPList: ['10.1.2.3'] },
        ],
      },
    );
    for (let i = 0; i < 2; i++) expectSuccess(await t.aliceFrom('203.0.113.5'));
    expectSuccess(await t.aliceFrom('10.1.2.3', 'vpc-abc123'));
    await t.sink.flush();
    const run = await keyfence(usage('--key', t.alice.accessKeyId, '--days', '7'), env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(
      lines[0]!,
      new RegExp(
        `^Entry usage of AccessKey ${t.alice.accessKeyId}'s policy \\(version ${version}\\) from \\S+Z to \\S+Z$`,
      ),
    );
    assert.match(lines[2]!, /^STATEMENT +NETWORK +ENTRY +HITS +SOURCES +LAST HIT$/);
    assert.match(lines[3]!, /^0 +public +203\.0\.113\.0\/24 +2 +1 +\S+Z$/);
    assert.match(lines[4]!, /^0 +public +192\.0\.2\.1 +0 +0 +- +unused$/);
    assert.match(lines[5]!, /^1 +vpc-abc123 +10\.1\.2\.3 +1 +1 +\S+Z$/);
    assert.equal(
      lines[7],
      '1 of 3 entries unused; 0 allowed calls came from sources this policy would not let in now',
    );
  });

  test('--json: the server’s answer', async () => {
    const run = await keyfence(usage('--key', t.alice.accessKeyId, '--json'), env);
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout);
    assert.deepEqual(
      body.Entries.map((e: { Entry: string; Hits: number }) => [e.Entry, e.Hits]),
      [
        ['203.0.113.0/24', 2],
        ['192.0.2.1', 0],
        ['10.1.2.3', 1],
      ],
    );
  });

  test('bad arguments or no credentials: exit 1', async () => {
    for (const args of [
      ['--days', '7', '--start', '2026-12-01T00:00:00Z'],
      ['--days', 'week'],
      ['--end', 'now'],
    ]) {
      const run = await keyfence(usage(...args), env);
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.stderr, /^keyfence policy usage: /);
    }
    const json = await keyfence(usage('--key', 'LTAI5tNoSuchKeyNoSuchKey', '--json'), env);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).Code, 'EntityNotExist.User.AccessKey');
    const anonymous = await keyfence(usage(), {});
    assert.equal(anonymous.code, 1);
  });
});
