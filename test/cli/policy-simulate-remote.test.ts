/**
 * `keyfence policy simulate --endpoint …` against a running server: the real CLI entry point in
 * its own process, reading the candidate from a file and asking SimulateAccessKeyPolicy; a table
 * per key by default, the server's answer with --json; exit 0 whatever the impact, 1 on error.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { classic } from '../server/actions/support/check-server.js';
import { useDialects } from '../store/support/dialects.js';
import { keyfenceCli as keyfence } from '../support/remote-cli.js';
import { expectSuccess } from '../support/server-harness.js';
import { startCliServer } from './support/cli-server.js';

const [sqlite] = useDialects();

describe('keyfence policy simulate against a server', async () => {
  const t = await startCliServer(sqlite!);
  const { env } = t;
  const dir = await mkdtemp(join(tmpdir(), 'keyfence-simulate-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const candidate = join(dir, 'candidate.json');
  await writeFile(candidate, JSON.stringify(classic('198.51.100.0/24')));
  for (let i = 0; i < 2; i++) expectSuccess(await t.aliceFrom('203.0.113.5'));
  await t.sink.flush();
  const simulate = (...args: string[]) => ['policy', 'simulate', '--endpoint', t.url, ...args];

  test('a table per key: alice’s calls from 203.0.113.5 would be denied', async () => {
    const run = await keyfence(simulate('--file', candidate, '--days', '7'), env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(
      lines[0]!,
      /^from \S+Z to \S+Z: 2 calls newly denied, 0 newly allowed, 1 of 1 affected keys changed \(0 without traffic\)$/,
    );
    assert.match(lines.join('\n'), /STS \(temporary\) credentials are never restricted/);
    const header = lines.findIndex((line) =>
      /^ {2}CHANGE +SOURCE +VPC +CALLS +LAST SEEN +SERVICES$/.test(line),
    );
    assert.ok(header > 0, run.stdout);
    assert.match(lines[header - 1]!, new RegExp(`^${t.alice.accessKeyId} \\(alice\\)$`));
    assert.match(lines[header + 1]!, /^ {2}newly denied +203\.0\.113\.5 +- +2 +\S+Z +sts$/);
  });

  test('--json prints the server’s answer; --key simulates one key', async () => {
    const run = await keyfence(simulate('--file', candidate, '--key', t.alice.accessKeyId, '--json'), env);
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout);
    assert.equal(body.NewlyDeniedCalls, 2);
    assert.equal(body.Keys[0].AccessKeyId, t.alice.accessKeyId);
    assert.deepEqual(body.Keys[0].NewlyDenied[0].Services, ['sts']);
  });

  test('the server’s refusal, bad arguments or no credentials: exit 1', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"Version":1}');
    const refused = await keyfence(simulate('--file', bad, '--json'), env);
    assert.equal(refused.code, 1);
    assert.equal(JSON.parse(refused.stdout).Code, 'InvalidParameter.AccessKeyPolicy');
    for (const args of [
      ['--file', join(dir, 'missing.json')],
      ['--file', candidate, '--days', '0'],
      ['--file', candidate, '--days', '7', '--start', '2026-12-01T00:00:00Z'],
      ['--file', candidate, '--end', 'tomorrow'],
    ]) {
      const run = await keyfence(simulate(...args), env);
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.stderr, /^keyfence policy simulate: /);
    }
    const anonymous = await keyfence(simulate('--file', candidate));
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /ALIBABA_CLOUD_ACCESS_KEY_ID/);
  });
});
