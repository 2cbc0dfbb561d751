import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { describe, test } from 'node:test';
import { spawnFixture } from './support/child-process.js';
import { assertConsistent } from './support/consistency.js';
import { type DatabaseConfig, useDialects } from './support/dialects.js';
import { classicPolicy } from './support/policies.js';
import { newAccount, storeHarness } from './support/store-harness.js';

/**
 * A writer process is killed with SIGKILL at a random moment, again and again, while it writes
 * policies; afterwards every change must have committed whole or not at all. Kills run in two
 * lanes at once, so some land while the other writer waits for the write lock.
 */
const kills = { sqlite: 50, postgres: Number(process.env.KEYFENCE_PG_CRASH_KILLS ?? 20) };
const lanes = 2;

for (const fixture of useDialects()) {
  describe(`crash safety on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test(`${kills[fixture.name]} writers killed with SIGKILL leave no partial change`, async () => {
      const { store, config } = await harness.fresh();
      const accountId = await newAccount(store);
      await store.write((tx) =>
        tx.createAccessKeys(
          accountId,
          Array.from({ length: 20 }, (_, i) => ({ policy: classicPolicy(`192.0.2.${i}`) })),
          {
            actor: 'seed',
          },
        ),
      );
      const before = await assertConsistent(config);

      let remaining = kills[fixture.name];
      const lane = async (): Promise<void> => {
        while (remaining-- > 0) await killWhileWriting(config, accountId);
      };
      await Promise.all(Array.from({ length: lanes }, lane));

      const after = await assertConsistent(config);
      assert.ok(
        after > before + kills[fixture.name],
        `the writers made too little progress (${after - before} changes)`,
      );
      // The store still opens, migrates and accepts writes after all that.
      const reopened = await harness.open(config);
      await reopened.write((tx) =>
        tx.setPolicy({ scope: 'account', accountId }, classicPolicy('198.51.100.1'), { actor: 'after' }),
      );
      assert.equal(await assertConsistent(config), after + 1);
    });
  });
}

async function killWhileWriting(config: DatabaseConfig, accountId: string): Promise<void> {
  const child = await spawnFixture('crash-writer', { config, accountId });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const output = { stderr: '' };
  child.stderr!.on('data', (chunk: Buffer) => {
    output.stderr += chunk;
  });
  await readyOrExit(child, output);
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', `the writer stopped before it was killed: ${output.stderr}`);
}

function readyOrExit(child: ChildProcess, output: { readonly stderr: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.on('exit', (code) =>
      reject(new Error(`the writer exited with ${code} before it was ready: ${output.stderr}`)),
    );
  });
}
