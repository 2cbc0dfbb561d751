/**
 * `policy candidate set` and `policy simulate` send the policy file for the server to validate
 * against its own limits: a document larger than the default limit reaches a server whose
 * deployment allows it; only a file past the CLI's hard cap (1 MiB) is refused before sending.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runPolicyCandidate } from '../../src/cli/policy-candidate-command.js';
import { runPolicySimulate } from '../../src/cli/policy-simulate-command.js';
import { DEFAULT_POLICY_LIMITS } from '../../src/policy/policy-limits.js';

describe('policy files sent to a server', async () => {
  const received: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString());
      received.push(params.get('AccessKeyPolicy') ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ RequestId: 'r', CandidateVersion: 1 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), 'keyfence-upload-'));
  after(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIexample000001', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret' };
  const document = (bytes: number) => {
    const head = '{"Version":1,"Status":"Active","Statements":[]}';
    return head + ' '.repeat(bytes - head.length);
  };
  const large = join(dir, 'large.json');
  await writeFile(large, document(DEFAULT_POLICY_LIMITS.maxDocumentBytes * 4));
  const huge = join(dir, 'huge.json');
  await writeFile(huge, document(2 * 1024 * 1024));

  test('a document four times the default limit is sent whole', async () => {
    const sent = [
      await runPolicyCandidate({ operation: 'set', endpoint, file: large, json: true, env }),
      await runPolicySimulate({ endpoint, file: large, json: true, env }),
    ];
    for (const run of sent) assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(received.length, 2);
    for (const policy of received) assert.equal(policy.length, DEFAULT_POLICY_LIMITS.maxDocumentBytes * 4);
  });

  test('a file past the hard cap is refused before anything is sent', async () => {
    received.length = 0;
    const refused = [
      await runPolicyCandidate({ operation: 'set', endpoint, file: huge, json: true, env }),
      await runPolicySimulate({ endpoint, file: huge, json: true, env }),
    ];
    for (const run of refused) {
      assert.equal(run.exitCode, 1);
      assert.match(run.stderr, /larger than the limit of 1048576 bytes/);
    }
    assert.equal(received.length, 0);
  });
});
