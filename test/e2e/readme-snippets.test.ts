/**
 * The README's SDK examples, run as a user runs them: each block after `<!-- snippet: NAME -->` is
 * written as it stands to a `.mjs` file inside the checkout (so node finds the SDKs in
 * node_modules) and run with node against the built `keyfence serve`, with the variables the
 * README's environment block exports set to that server's address and root credentials. What the
 * README shows is what is tested; what the examples claim to have done is read back.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { callApi, openApiClient, principalName, VERSIONS } from '../interop/support/sdk.js';
import {
  captureOutput,
  type KeyFenceProcess,
  kill,
  REPO_ROOT,
  startKeyFence,
} from '../support/keyfence-process.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const SNIPPET_TIMEOUT_MS = 10_000;

/** The fenced block after `<!-- snippet: NAME -->`: its language and its text. */
function snippet(name: string): { readonly language: string; readonly code: string } {
  const marker = README.indexOf(`<!-- snippet: ${name} -->`);
  assert.ok(marker >= 0, `README.md has a <!-- snippet: ${name} --> block`);
  const open = README.indexOf('```', marker);
  const start = README.indexOf('\n', open) + 1;
  const end = README.indexOf('\n```', start);
  return { language: README.slice(open + 3, start - 1), code: README.slice(start, end + 1) };
}

let kf: KeyFenceProcess | undefined;
let server: KeyFenceProcess;
let dir: string | undefined;
let environment: Record<string, string>;

before(async () => {
  kf = await startKeyFence({ built: true });
  server = kf;
  dir = mkdtempSync(join(REPO_ROOT, '.tmp-readme-'));
  environment = {
    KEYFENCE_ACCOUNT_ID: server.root.accountId,
    KEYFENCE_ACCESS_KEY_ID: server.root.accessKeyId,
    KEYFENCE_ACCESS_KEY_SECRET: server.root.accessKeySecret,
    KEYFENCE_ENDPOINT: server.endpoint,
  };
});

after(async () => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  if (kf === undefined) return;
  const exit = await kf.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, `keyfence serve exits 0 on SIGTERM\n${kf.stderr()}`);
});

/** Writes the snippet to `NAME.mjs` and runs it with node; fails the test unless it exits 0. */
async function run(name: string): Promise<string> {
  const { language, code } = snippet(name);
  assert.equal(language, 'js', `${name}: plain JavaScript, which node runs as pasted`);
  const file = join(dir!, `${name}.mjs`);
  writeFileSync(file, code);
  const child = spawn(process.execPath, [file], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const timer = setTimeout(() => void kill(child, output.exited, 1000), SNIPPET_TIMEOUT_MS);
  const exit = await output.exited.finally(() => clearTimeout(timer));
  assert.deepEqual(
    exit,
    { code: 0, signal: null },
    `the README's ${name} snippet exits 0\nstdout:\n${output.stdout()}\nstderr:\n${output.stderr()}`,
  );
  return output.stdout();
}

const root = () => openApiClient(server, server.root);
const ims = (action: string, query: Record<string, unknown> = {}) =>
  callApi(root(), action, VERSIONS.ims, query);

describe('README.md', () => {
  test('every js block is a marked snippet, and the snippets read only the variables it exports', () => {
    const blocks = README.match(/^```js$/gm) ?? [];
    const marked = README.match(/^<!-- snippet: [\w-]+ -->\n```js$/gm) ?? [];
    assert.equal(marked.length, blocks.length, 'no js block escapes this test');
    assert.equal(marked.length, 2);

    const exported = [...snippet('environment').code.matchAll(/^export (\w+)=/gm)].map((m) => m[1]);
    assert.deepEqual(exported.sort(), Object.keys(environment).sort(), 'the variables this test sets');
    for (const name of ['create-user', 'policies']) {
      for (const [, variable] of snippet(name).code.matchAll(/\benv\.(\w+)/g)) {
        assert.ok(exported.includes(variable!), `${name} reads ${variable}, which the README exports`);
      }
    }
  });

  test('"Calling the API": the typed IMS client creates a user', async () => {
    const stdout = await run('create-user');
    const alice = principalName('alice', server.root.accountId);
    const got = await ims('GetUser', { UserPrincipalName: alice });
    const user = got.body.User as { UserPrincipalName: string; UserId: string };
    assert.equal(stdout, `${alice} ${user.UserId}\n`);
  });

  test('"Manage it with an SDK": callApi sets the account-level and an AccessKey-level policy', async () => {
    const stdout = await run('policies');

    const account = await ims('GetAccessKeyPolicyForAccount');
    assert.deepEqual(JSON.parse(String(account.body.AccessKeyPolicy)), {
      Version: 1,
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['127.0.0.1', '203.0.113.0/24'] }],
    });

    const [keyId, version, printed] = stdout.trim().split(' ');
    const key = await ims('GetAccessKeyPolicy', { UserAccessKeyId: keyId });
    assert.equal(key.body.AccessKeyPolicy, printed, 'what the snippet printed is what is stored');
    assert.equal(String(key.body.PolicyVersion), version);
    assert.deepEqual(JSON.parse(String(key.body.AccessKeyPolicy)), {
      Version: 1,
      Status: 'Active',
      Statements: [
        { Type: 'ClassicWhiteList', IPList: ['198.51.100.0/24'] },
        { Type: 'VPCWhiteList', Value: 'vpc-example', IPList: ['10.0.0.0/8'] },
      ],
    });
  });
});
