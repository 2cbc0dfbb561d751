import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import type { CanonicalPolicyJson } from '../../src/policy/policy-document.js';
import type { AccessKeyId, AccountId, ChangeRecord } from '../../src/store/index.js';
import { catchUp } from '../../src/sync/apply-change.js';
import type { ChangeConsumer } from '../../src/sync/change-consumer.js';

const account = '1000000000000001' as AccountId;
const key = 'LTAI5tRetryTestKey000001' as AccessKeyId;
const at = new Date(0);

const allowOnly = (ip: string) =>
  JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [{ Type: 'ClassicWhiteList', IPList: [ip] }],
  }) as CanonicalPolicyJson;

const log: ChangeRecord[] = [
  {
    version: 1,
    at,
    accountId: account,
    kind: 'key.created',
    accessKeyId: key,
    userName: null,
    status: 'Active',
  },
  {
    version: 2,
    at,
    accountId: account,
    kind: 'policy.key.set',
    accessKeyId: key,
    policy: allowOnly('203.0.113.5'),
    rolledBackTo: null,
  },
  { version: 3, at, accountId: account, kind: 'account.created' },
  {
    version: 4,
    at,
    accountId: account,
    kind: 'policy.key.set',
    accessKeyId: key,
    policy: allowOnly('198.51.100.1'),
    rolledBackTo: null,
  },
  { version: 5, at, accountId: account, kind: 'account.created' },
];

/**
 * A consumer whose store read fails at the given versions, in that order, once each: a database
 * dropping mid-pass, then again during the retry.
 */
class FlakyConsumer implements ChangeConsumer {
  readonly #failAt: number[];
  constructor(...failAt: number[]) {
    this.#failAt = failAt;
  }
  async load(): Promise<void> {}
  async apply(change: ChangeRecord): Promise<void> {
    if (this.#failAt[0] === change.version) {
      this.#failAt.shift();
      throw new Error(`the store dropped at version ${change.version}`);
    }
  }
}

const source = { ip: '203.0.113.5' };
const decide = (index: DecisionIndex) => index.decide({ accessKeyId: key, temporary: false }, source, 'ecs');

/** A node's index following `log` through `consumer`, resuming each pass where the last one stopped. */
function follower(consumer: ChangeConsumer) {
  const index = new DecisionIndex();
  const state = { index, version: 0, pass: (): Promise<number> => Promise.resolve(0) };
  const changesSince = async (after: number, limit: number) =>
    log.filter((c) => c.version > after).slice(0, limit);
  state.pass = () =>
    catchUp(
      index,
      changesSince,
      state.version,
      1000,
      (v) => {
        state.version = v;
      },
      [consumer],
    );
  return state;
}

test('a pass that fails part-way resumes at the failed change and never re-applies older policies over newer ones', async () => {
  const node = follower(new FlakyConsumer(5, 3));

  await assert.rejects(node.pass(), /version 5/);
  assert.equal(node.version, 4, 'every change the index and the consumers took counts as applied');
  assert.equal(decide(node.index).allowed, false, 'version 4 denies the old address');

  // The retry starts after version 4: version 2 (allowing the old address) is not replayed, so
  // the failure planned at version 3 never comes.
  assert.equal(await node.pass(), 5);
  assert.equal(decide(node.index).allowed, false);
  assert.equal(decide(node.index).policyVersion, 4);
});

test('a failure on an earlier change of the page leaves the later policies unapplied, not half-replayed', async () => {
  const node = follower(new FlakyConsumer(3));
  await assert.rejects(node.pass());
  assert.equal(node.version, 2);
  assert.equal(decide(node.index).policyVersion, 2);
  await node.pass();
  assert.equal(node.version, 5);
  assert.equal(decide(node.index).allowed, false);
});
