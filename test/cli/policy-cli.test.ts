import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'keyfence-cli-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Runs the real CLI entry point as a user would, in its own process. */
function keyfence(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, json: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

const account = file('account.json', {
  Version: 1,
  Status: 'Active',
  Statements: [
    { Type: 'ClassicWhiteList', IPList: ['203.0.113.1', '2001:db8::/32'] },
    { Type: 'VPCWhiteList', Value: 'vpc-m5ekxe1zi8zwgqrtc', IPList: ['192.168.0.0/16'] },
  ],
});
const inactiveKey = file('key.json', {
  Status: 'Inactive',
  Statements: [{ Type: 'ClassicWhiteList', IPList: ['8.8.8.8'] }],
});

describe('keyfence policy check', () => {
  test('exit 0 and the deciding scope when allowed', () => {
    const r = keyfence('policy', 'check', '--account-policy', account, '--ip', '::ffff:203.0.113.1');
    assert.equal(r.code, 0);
    assert.deepEqual(
      [r.json.allowed, r.json.reason, r.json.scope, r.json.source.ip],
      [true, 'public-ip-allowed', 'account', '203.0.113.1'],
    );
  });

  test('the entry of the matching statement, for the decision and each scope', () => {
    const r = keyfence(
      'policy',
      'check',
      '--account-policy',
      account,
      '--key-policy',
      inactiveKey,
      '--ip',
      '8.8.8.8',
    );
    assert.deepEqual([r.json.entryIndex, r.json.entry], [null, null]);
    assert.deepEqual(
      r.json.scopes.map((s: { scope: string; entryIndex: number | null; entry: string | null }) => [
        s.scope,
        s.entryIndex,
        s.entry,
      ]),
      [
        ['accessKey', 0, '8.8.8.8'],
        ['account', null, null],
      ],
    );
  });

  test('exit 3 when denied, with what an Inactive key policy would have said', () => {
    const r = keyfence(
      'policy',
      'check',
      '--account-policy',
      account,
      '--key-policy',
      inactiveKey,
      '--ip',
      '8.8.8.8',
    );
    assert.equal(r.code, 3);
    assert.equal(r.json.allowed, false);
    assert.deepEqual(
      r.json.scopes.map((s: { scope: string; wouldAllow: boolean }) => [s.scope, s.wouldAllow]),
      [
        ['accessKey', true],
        ['account', false],
      ],
    );
  });

  test('VPC sources are decided by VPC statements', () => {
    const args = ['policy', 'check', '--account-policy', account, '--ip', '192.168.7.7'];
    assert.equal(keyfence(...args, '--vpc-id', 'vpc-m5ekxe1zi8zwgqrtc').code, 0);
    assert.equal(keyfence(...args, '--vpc-id', 'vpc-other').code, 3);
    assert.equal(keyfence(...args).code, 3);
  });

  test('temporary credentials and exempt services pass', () => {
    const args = ['policy', 'check', '--account-policy', account, '--ip', '8.8.8.8'];
    assert.equal(keyfence(...args, '--temporary').json.reason, 'temporary-credential');
    const exempt = keyfence(...args, '--service', 'mns', '--exempt-service', 'mns');
    assert.deepEqual([exempt.code, exempt.json.reason], [0, 'exempt-service']);
  });

  test('with no policy at all, allowed', () => {
    assert.equal(keyfence('policy', 'check', '--ip', '8.8.8.8').json.reason, 'no-active-policy');
  });

  test('exit 1 with a stable code on bad input', () => {
    assert.equal(
      keyfence('policy', 'check', '--ip', '0127.0.0.1').json.error.code,
      'Address.IPv4.LeadingZero',
    );
    assert.equal(keyfence('policy', 'check', '--ip', '1.2.3.4', '--vpc-id', 'VPC X').code, 1);
    const bad = file('bad.json', {
      Status: 'On',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['127.1'] }],
    });
    const r = keyfence('policy', 'check', '--key-policy', bad, '--ip', '1.2.3.4');
    assert.equal(r.code, 1);
    assert.deepEqual(r.json.error.problems.map((p: { code: string }) => p.code).sort(), [
      'Address.IPv4.PartCount',
      'InvalidPolicy.Status',
    ]);
    assert.equal(
      keyfence('policy', 'check', '--key-policy', join(dir, 'missing.json'), '--ip', '1.2.3.4').code,
      1,
    );
    assert.equal(keyfence('policy', 'check').code, 1);
  });
});

describe('keyfence policy lint', () => {
  test('exit 0 with the canonical document and warnings', () => {
    const path = file('lint.json', {
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['192.0.2.9/24', '::FFFF:7F00:1'] }],
    });
    const r = keyfence('policy', 'lint', path);
    assert.equal(r.code, 0);
    assert.equal(r.json.valid, true);
    assert.equal(
      r.json.canonical,
      '{"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":["192.0.2.0/24","127.0.0.1"]}]}',
    );
    assert.ok(r.json.warnings.some((w: { code: string }) => w.code === 'Cidr.HostBitsSet'));
  });

  test('exit 1 listing every problem', () => {
    const r = keyfence('policy', 'lint', file('l2.json', '{}'));
    assert.deepEqual([r.code, r.json.valid, r.json.canonical], [1, false, null]);
    assert.equal(r.json.errors[0].code, 'InvalidPolicy.Empty');
  });
});
