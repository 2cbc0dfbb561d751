/**
 * `keyfence policy candidate …` against a running server: the real CLI entry point in its own
 * process, staging, reading, promoting and deleting report-only candidates through the API.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { classic } from '../server/actions/support/check-server.js';
import { useDialects } from '../store/support/dialects.js';
import { keyfenceCli as keyfence } from '../support/remote-cli.js';
import { startCliServer } from './support/cli-server.js';

const [sqlite] = useDialects();

describe('keyfence policy candidate against a server', async () => {
  const t = await startCliServer(sqlite!);
  const { env } = t;
  const dir = await mkdtemp(join(tmpdir(), 'keyfence-candidate-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'candidate.json');
  await writeFile(file, JSON.stringify(classic('198.51.100.0/24')));
  const bad = join(dir, 'bad.json');
  await writeFile(
    bad,
    '{"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":["nope"]}]}',
  );
  const candidate = (...args: string[]) => ['policy', 'candidate', ...args, '--endpoint', t.url];

  test('set, get, promote and delete, as lines for people', async () => {
    const set = await keyfence(candidate('set', '--key', t.alice.accessKeyId, '--file', file), env);
    assert.equal(set.code, 0, set.stderr);
    assert.match(
      set.stdout,
      new RegExp(`^Candidate staged for AccessKey ${t.alice.accessKeyId} \\(version \\d+\\)`),
    );
    const got = await keyfence(candidate('get', '--key', t.alice.accessKeyId), env);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /the enforced policy is at version 0\)\n\{\n/);
    assert.match(got.stdout, /198\.51\.100\.0\/24/);
    const promoted = await keyfence(
      candidate('promote', '--key', t.alice.accessKeyId, '--expected-version', '0'),
      env,
    );
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stdout, /promoted: enforced as policy version \d+/);
    const gone = await keyfence(candidate('get', '--key', t.alice.accessKeyId), env);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /EntityNotExist\.AccessKeyPolicyCandidate/);

    assert.equal((await keyfence(candidate('set', '--file', file), env)).code, 0);
    const deleted = await keyfence(candidate('delete'), env);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /^Candidate of the account deleted/);
  });

  test('--json answers as the server does; refusals exit 1', async () => {
    const set = await keyfence(candidate('set', '--file', file, '--json'), env);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(typeof JSON.parse(set.stdout).CandidateVersion, 'number');
    const invalid = await keyfence(candidate('set', '--file', bad, '--json'), env);
    assert.equal(invalid.code, 1);
    assert.equal(JSON.parse(invalid.stdout).Code, 'InvalidParameter.AccessKeyPolicy');
    const noFile = await keyfence(candidate('set'), env);
    assert.equal(noFile.code, 1);
    assert.match(noFile.stderr, /set needs --file/);
    const noCredentials = await keyfence(candidate('get'));
    assert.equal(noCredentials.code, 1);
    assert.match(noCredentials.stderr, /ALIBABA_CLOUD_ACCESS_KEY_ID/);
  });

  test('policy check against the server says what the staged candidate would decide', async () => {
    // The account's candidate from the test before: 198.51.100.0/24 only. Alice's key now has
    // its own Active policy (promoted above), which a candidate of the account does not override.
    const key = (await t.store.write((tx) => tx.createAccessKey(t.accountId))).accessKeyId;
    const deadline = Date.now() + 5000;
    while ((await t.check({ AccessKeyId: key, SourceIp: '203.0.113.9' })).body.Candidate === undefined) {
      assert.ok(Date.now() < deadline, 'the server never evaluated the candidate');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const run = await keyfence(
      ['policy', 'check', '--endpoint', t.url, '--key', key, '--ip', '203.0.113.9'],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ALLOWED: no-active-policy/m);
    assert.match(
      run.stdout,
      /^report-only candidate: would deny: public-ip-not-allowed \(the Account policy, version \d+, statement -\)$/m,
    );
  });
});
