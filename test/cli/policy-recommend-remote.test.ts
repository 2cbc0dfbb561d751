/**
 * `keyfence policy recommend --endpoint …` against a running server: the real CLI entry point in
 * its own process, signing with the standard Alibaba variables and asking
 * RecommendAccessKeyPolicy; the entries, what was left out and the draft by default, the answer
 * with --json; exit 1 on any refusal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useDialects } from '../store/support/dialects.js';
import { keyfenceCli as keyfence } from '../support/remote-cli.js';
import { expectSuccess } from '../support/server-harness.js';
import { startCliServer } from './support/cli-server.js';

const [sqlite] = useDialects();

describe('keyfence policy recommend against a server', async () => {
  const t = await startCliServer(sqlite!);
  const { env } = t;
  for (let i = 0; i < 2; i++) expectSuccess(await t.aliceFrom('203.0.113.5'));
  expectSuccess(await t.aliceFrom('10.1.2.3', 'vpc-abc123'));
  expectSuccess(await t.aliceFrom('192.168.0.9'));
  await t.sink.flush();
  const recommend = (...args: string[]) => ['policy', 'recommend', '--endpoint', t.url, ...args];

  test('the entries, what was left out, then the draft', async () => {
    const run = await keyfence(recommend('--key', t.alice.accessKeyId, '--days', '7'), env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(lines[0]!, /^A draft from \S+Z to \S+Z: it lets in 3 of 4 allowed calls \(75%\)$/);
    assert.match(lines[2]!, /^STATEMENT +NETWORK +ENTRY +ADDRESSES +SOURCES +CALLS +LAST SEEN$/);
    assert.match(lines[3]!, /^0 +public +203\.0\.113\.5 +1 +1 +2 +\S+Z$/);
    assert.match(lines[4]!, /^1 +vpc-abc123 +10\.1\.2\.3 +1 +1 +1 +\S+Z$/);
    assert.equal(lines[6], 'Left out: 1 sources');
    assert.match(lines[8]!, /^192\.168\.0\.9 +- +1 +\S+Z +NotPublicAddress$/);
    const draft = run.stdout.slice(run.stdout.indexOf('{'));
    assert.deepEqual(JSON.parse(draft), {
      Version: 1,
      Status: 'Active',
      Statements: [
        { Type: 'ClassicWhiteList', IPList: ['203.0.113.5'] },
        { Type: 'VPCWhiteList', Value: 'vpc-abc123', IPList: ['10.1.2.3'] },
      ],
    });
  });

  test('--coverage, --min-calls, --json: the server’s answer', async () => {
    const run = await keyfence(recommend('--coverage', '50', '--min-calls', '2', '--json'), env);
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout);
    assert.equal(JSON.parse(body.AccessKeyPolicy).Statements[0].IPList[0], '203.0.113.5');
    assert.equal(body.CoveredCalls, 2);
    assert.equal(body.TotalCalls, 4);
  });

  test('the server’s refusal, bad arguments or no credentials: exit 1', async () => {
    const refused = await keyfence(recommend('--coverage', '0'), env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /InvalidParameter\.Coverage/);
    const json = await keyfence(recommend('--key', 'LTAI5tNoSuchKeyNoSuchKey', '--json'), env);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).Code, 'EntityNotExist.User.AccessKey');
    for (const args of [
      ['--days', '7', '--start', '2026-12-01T00:00:00Z'],
      ['--days', 'week'],
      ['--end', 'now'],
    ]) {
      const run = await keyfence(recommend(...args), env);
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.stderr, /^keyfence policy recommend: /);
    }
    const anonymous = await keyfence(recommend());
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /ALIBABA_CLOUD_ACCESS_KEY_ID/);
  });
});
