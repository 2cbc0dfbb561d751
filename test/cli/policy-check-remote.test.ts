/**
 * `keyfence policy check --endpoint …` against a running server: the real CLI entry point in its
 * own process, signing with the credentials of the standard Alibaba variables, asking
 * CheckAccessKeyAccess; a table by default, the answer with --json; the exit code says allowed
 * (0), denied (3) or nothing decided (1).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classic } from '../server/actions/support/check-server.js';
import { useDialects } from '../store/support/dialects.js';
import { keyfenceCli as keyfence } from '../support/remote-cli.js';
import { expectError } from '../support/server-harness.js';
import { startCliServer } from './support/cli-server.js';

const [sqlite] = useDialects();

describe('keyfence policy check against a server', async () => {
  const t = await startCliServer(sqlite!);
  const { env } = t;
  const accountVersion = await t.setPolicy({ kind: 'account' }, classic('203.0.113.0/24'));
  const keyVersion = await t.setPolicy(
    { kind: 'accessKey', key: t.alice },
    { ...classic('198.51.100.1'), Status: 'Inactive' },
  );
  const remote = (...args: string[]) => ['policy', 'check', '--endpoint', t.url, ...args];

  test('a table: the decision, then each scope, Inactive ones included; exit 0 when allowed', async () => {
    const run = await keyfence(remote('--key', t.alice.accessKeyId, '--ip', '203.0.113.9'), env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], `AccessKey ${t.alice.accessKeyId} from 203.0.113.9`);
    assert.equal(
      lines[1],
      `ALLOWED: public-ip-allowed (the Account policy, version ${accountVersion}, statement 0)`,
    );
    assert.match(lines[3]!, /^SCOPE +STATUS +IN FORCE +ALONE +REASON +STATEMENT +VERSION$/);
    assert.match(
      lines[4]!,
      new RegExp(`^AccessKey +Inactive +no +deny +public-ip-not-allowed +- +${keyVersion}$`),
    );
    assert.match(
      lines[5]!,
      new RegExp(`^Account +Active +yes +allow +public-ip-allowed +0 +${accountVersion}$`),
    );
  });

  test('the entries the matching statements matched, after the table', async () => {
    const run = await keyfence(remote('--key', t.alice.accessKeyId, '--ip', '::ffff:203.0.113.9'), env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(-2), [
      'Matching entries:',
      '  the Account policy: statement 0, entry 0: 203.0.113.0/24',
    ]);
    const json = JSON.parse(
      (await keyfence(remote('--key', t.alice.accessKeyId, '--ip', '203.0.113.9', '--json'), env)).stdout,
    );
    assert.deepEqual([json.EntryIndex, json.Entry], [0, '203.0.113.0/24']);
  });

  test('--json: the answer as the API gives it; exit 3 when denied', async () => {
    const run = await keyfence(
      remote('--key', t.alice.accessKeyId, '--ip', '10.0.0.1', '--vpc-id', 'vpc-abc', '--json'),
      env,
    );
    assert.equal(run.code, 3, run.stderr);
    const body = JSON.parse(run.stdout);
    assert.equal(body.Allowed, false);
    assert.equal(body.Reason, 'no-vpc-statement');
    assert.equal(body.Scope, 'Account');
    assert.equal(body.VpcId, 'vpc-abc');
    assert.equal(body.Scopes.length, 2);
  });

  test('--request-id: the recorded call, decided now and then', async () => {
    const denied = expectError(await t.aliceFrom('192.0.2.1'), 400, 'InvalidAccessKeyId.AccessPolicyDenied');
    await t.sink.flush();
    const run = await keyfence(remote('--request-id', denied.RequestId), env);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stdout, /^AccessKey \S+ from 192\.0\.2\.1, service sts\nDENIED: public-ip-not-allowed/);
    assert.match(
      run.stdout,
      new RegExp(`the call ${denied.RequestId} at \\S+Z was denied: public-ip-not-allowed`),
    );
    const json = JSON.parse((await keyfence(remote('--request-id', denied.RequestId, '--json'), env)).stdout);
    assert.equal(json.RecordedCall.RequestId, denied.RequestId);
  });

  test('the server’s refusal, missing credentials or arguments: exit 1, nothing decided', async () => {
    const unknown = await keyfence(remote('--key', 'LTAI5tNoSuchKeyNoSuchKey', '--ip', '10.0.0.1'), env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /EntityNotExist\.User\.AccessKey/);
    const asJson = await keyfence(
      remote('--key', 'LTAI5tNoSuchKeyNoSuchKey', '--ip', '10.0.0.1', '--json'),
      env,
    );
    assert.equal(asJson.code, 1);
    assert.equal(JSON.parse(asJson.stdout).Code, 'EntityNotExist.User.AccessKey');

    const anonymous = await keyfence(remote('--key', t.alice.accessKeyId, '--ip', '10.0.0.1'));
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /ALIBABA_CLOUD_ACCESS_KEY_ID/);
    const wrongSecret = await keyfence(remote('--key', t.alice.accessKeyId, '--ip', '10.0.0.1'), {
      ...env,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-the-secret',
    });
    assert.equal(wrongSecret.code, 1);
    assert.match(wrongSecret.stderr, /SignatureDoesNotMatch/);

    const noIp = await keyfence(remote('--key', t.alice.accessKeyId), env);
    assert.equal(noIp.code, 1);
    assert.match(noIp.stderr, /--ip/);
    const both = await keyfence(remote('--key', t.alice.accessKeyId, '--request-id', 'X'), env);
    assert.equal(both.code, 1);
    const noEndpoint = await keyfence(
      ['policy', 'check', '--key', t.alice.accessKeyId, '--ip', '10.0.0.1'],
      env,
    );
    assert.equal(noEndpoint.code, 1);
    assert.match(noEndpoint.stderr, /--endpoint/);
    const offlineFlags = await keyfence(
      remote('--key', t.alice.accessKeyId, '--ip', '1.2.3.4', '--temporary'),
      env,
    );
    assert.equal(offlineFlags.code, 1);
  });

  test('without --endpoint, --key or --request-id it checks offline, and needs --ip', async () => {
    const offline = await keyfence(['policy', 'check', '--ip', '8.8.8.8']);
    assert.equal(offline.code, 0);
    assert.equal(JSON.parse(offline.stdout).reason, 'no-active-policy');
    const noIp = await keyfence(['policy', 'check']);
    assert.equal(noIp.code, 1);
    assert.match(noIp.stderr, /--ip/);
  });
});
