import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runPolicyLint, runPolicyLintFile } from '../../src/cli/policy-lint-command.js';
import { FILE_UNREADABLE } from '../../src/cli/read-policy-file.js';
import { DEFAULT_POLICY_LIMITS } from '../../src/policy/policy-limits.js';
import { PolicyCode } from '../../src/policy/policy-problem.js';

interface Report {
  valid: boolean;
  errors: { code: string; severity: string; statement?: number }[];
  warnings: { code: string; severity: string; statement?: number }[];
  canonical: string | null;
}

function report(output: string): Report {
  assert.ok(output.endsWith('\n'), 'output ends with a newline');
  const parsed = JSON.parse(output) as Report;
  assert.deepEqual(Object.keys(parsed), ['valid', 'errors', 'warnings', 'canonical']);
  return parsed;
}

const VALID = `{
  "Status": "Active",
  "Statements": [
    { "Type": "ClassicWhiteList", "IPList": ["192.0.2.1/24", "192.0.2.7", "203.0.113.1"] },
    { "Type": "VPCWhiteList", "Value": "vpc-bp1234567890abcdef", "IPList": ["172.16.0.0/16"] }
  ]
}`;

describe('runPolicyLint', () => {
  it('passes a valid policy with exit code 0, its canonical form, and parse then lint warnings', () => {
    const { exitCode, output } = runPolicyLint(VALID);
    assert.equal(exitCode, 0);
    const r = report(output);
    assert.equal(r.valid, true);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.warnings.map((w) => [w.code, w.severity]),
      [
        [PolicyCode.HostBitsSet, 'warning'],
        [PolicyCode.CoveredEntry, 'warning'],
      ],
    );
    assert.equal(
      r.canonical,
      '{"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":["192.0.2.0/24",' +
        '"192.0.2.7","203.0.113.1"]},{"Type":"VPCWhiteList","Value":"vpc-bp1234567890abcdef","IPList":["172.16.0.0/16"]}]}',
    );
  });

  it('fails an invalid policy with exit code 1, every error, and no canonical form', () => {
    const { exitCode, output } = runPolicyLint(
      '{"Status":"active","Statements":[{"Type":"ClassicWhiteList","IPList":["127.1","10.0.0.1/8"]}]}',
    );
    assert.equal(exitCode, 1);
    const r = report(output);
    assert.equal(r.valid, false);
    assert.deepEqual(
      r.errors.map((e) => [e.code, e.severity]),
      [
        [PolicyCode.Status, 'error'],
        ['Address.IPv4.PartCount', 'error'],
      ],
    );
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      [PolicyCode.HostBitsSet],
    );
    assert.equal(r.canonical, null);
  });

  it('keeps a warning-only policy at exit code 0', () => {
    const { exitCode, output } = runPolicyLint('{"Status":"Active","Statements":[]}');
    assert.equal(exitCode, 0);
    assert.deepEqual(
      report(output).warnings.map((w) => w.code),
      [PolicyCode.ActiveWithoutStatements],
    );
  });

  it('applies the limits it is given', () => {
    const limits = { ...DEFAULT_POLICY_LIMITS, maxEntriesPerStatement: 1 };
    const { exitCode, output } = runPolicyLint(VALID, limits);
    assert.equal(exitCode, 1);
    assert.deepEqual(
      report(output).errors.map((e) => e.code),
      [PolicyCode.TooManyEntries],
    );
  });
});

describe('runPolicyLintFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyfence-policy-lint-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lints the file it reads', async () => {
    const path = join(dir, 'policy.json');
    await writeFile(path, VALID);
    assert.deepEqual(await runPolicyLintFile(path), runPolicyLint(VALID));
  });

  it('ignores a UTF-8 byte-order mark', async () => {
    const path = join(dir, 'bom.json');
    await writeFile(path, `\uFEFF${VALID}`);
    const { exitCode } = await runPolicyLintFile(path);
    assert.equal(exitCode, 0);
  });

  it('reports a missing file as File.Unreadable with exit code 1', async () => {
    const path = join(dir, 'missing.json');
    const { exitCode, output } = await runPolicyLintFile(path);
    assert.equal(exitCode, 1);
    const r = report(output);
    assert.deepEqual(
      r.errors.map((e) => e.code),
      [FILE_UNREADABLE],
    );
    assert.match(output, /ENOENT/);
    assert.match(output, /missing\.json/);
    assert.equal(r.canonical, null);
  });

  it('reports a directory as File.Unreadable', async () => {
    const { exitCode, output } = await runPolicyLintFile(dir);
    assert.equal(exitCode, 1);
    assert.deepEqual(
      report(output).errors.map((e) => e.code),
      [FILE_UNREADABLE],
    );
  });

  it('refuses a file over the size limit without reading it whole', async () => {
    const path = join(dir, 'huge.json');
    await writeFile(path, `{"Status":"Active","Statements":[],"x":"${'a'.repeat(8 * 1024 * 1024)}"}`);
    const { exitCode, output } = await runPolicyLintFile(path);
    assert.equal(exitCode, 1);
    assert.deepEqual(
      report(output).errors.map((e) => e.code),
      [PolicyCode.TooLarge],
    );
  });

  it('refuses a file just over the limit even when it starts with a byte-order mark', async () => {
    const limits = { ...DEFAULT_POLICY_LIMITS, maxDocumentBytes: 64 };
    const body = `{"Status":"Active","Statements":[],"x":"${'a'.repeat(64)}"}`;
    const path = join(dir, 'bom-huge.json');
    await writeFile(path, `\uFEFF${body}`);
    const { output } = await runPolicyLintFile(path, limits);
    assert.deepEqual(
      report(output).errors.map((e) => e.code),
      [PolicyCode.TooLarge],
    );
    const exact = '{"Status":"Inactive","Statements":[]}';
    await writeFile(path, `\uFEFF${exact}`);
    const fits = await runPolicyLintFile(path, { ...limits, maxDocumentBytes: Buffer.byteLength(exact) });
    assert.equal(fits.exitCode, 0);
  });
});
