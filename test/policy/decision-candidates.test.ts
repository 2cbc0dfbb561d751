import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import type { AccessKeyPolicy, PolicyStatement } from '../../src/policy/policy-document.js';

// A small space of policies and sources, so that random ones often match, miss and collide.
const ACCOUNTS = ['1001', '1002', '1003'];
const KEYS = ['LTAIkey0000000001', 'LTAIkey0000000002', 'LTAIkey0000000003', 'LTAIkey0000000004'];
const accountOf = (key: string) => ACCOUNTS[KEYS.indexOf(key) % ACCOUNTS.length]!;
const ENTRIES = ['10.0.0.0/8', '10.1.2.3', '192.168.0.0/16', '203.0.113.0/24', '2001:db8::/32', '0.0.0.0/0'];
const IPS = ['10.1.2.3', '10.9.9.9', '192.168.1.1', '203.0.113.7', '198.51.100.1', '2001:db8::1', 'nonsense'];
const VPCS = [undefined, 'vpc-aaa', 'vpc-bbb'];
const SERVICES = ['ecs', 'ims', 'mns'];

const statement: fc.Arbitrary<PolicyStatement> = fc.oneof(
  fc.subarray(ENTRIES, { minLength: 1 }).map((IPList) => ({ Type: 'ClassicWhiteList' as const, IPList })),
  fc
    .record({
      Value: fc.constantFrom('vpc-aaa', 'AllowAllVPC'),
      IPList: fc.subarray(ENTRIES, { minLength: 1 }),
    })
    .map((s) => ({ Type: 'VPCWhiteList' as const, ...s })),
);

const policy: fc.Arbitrary<AccessKeyPolicy | null> = fc.option(
  fc.record({
    Version: fc.constant(1 as const),
    Status: fc.constantFrom('Active' as const, 'Inactive' as const),
    Statements: fc.array(statement, { maxLength: 3 }),
  }),
  { freq: 4 },
);

type Operation =
  | {
      readonly kind: 'account-policy' | 'account-candidate';
      readonly account: string;
      readonly policy: AccessKeyPolicy | null;
    }
  | {
      readonly kind: 'key-policy' | 'key-candidate';
      readonly key: string;
      readonly policy: AccessKeyPolicy | null;
    }
  | { readonly kind: 'remove-key'; readonly key: string };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('account-policy' as const, 'account-candidate' as const),
    account: fc.constantFrom(...ACCOUNTS),
    policy,
  }),
  fc.record({
    kind: fc.constantFrom('key-policy' as const, 'key-candidate' as const),
    key: fc.constantFrom(...KEYS),
    policy,
  }),
  fc.record({ kind: fc.constant('remove-key' as const), key: fc.constantFrom(...KEYS) }),
);

interface Staged {
  policy: AccessKeyPolicy | null;
  version: number;
}
interface Scope {
  enforced: Staged;
  candidate: Staged;
}
const empty = (): Scope => ({
  enforced: { policy: null, version: 0 },
  candidate: { policy: null, version: 0 },
});

/** Applies the operations to `index` as they come, and returns the state they leave. */
function replay(index: DecisionIndex, operations: readonly Operation[]) {
  const accounts = new Map<string, Scope>(ACCOUNTS.map((a) => [a, empty()]));
  const keys = new Map<string, Scope>();
  operations.forEach((op, i) => {
    const version = i + 1;
    switch (op.kind) {
      case 'account-policy':
        index.setAccountPolicy(op.account, op.policy, version);
        accounts.get(op.account)!.enforced = { policy: op.policy, version };
        return;
      case 'account-candidate':
        index.setAccountCandidate(op.account, op.policy, version);
        accounts.get(op.account)!.candidate = { policy: op.policy, version };
        return;
      case 'key-policy': {
        index.setKey(op.key, accountOf(op.key), op.policy, version);
        const scope = keys.get(op.key) ?? empty();
        scope.enforced = { policy: op.policy, version };
        keys.set(op.key, scope);
        return;
      }
      case 'key-candidate': {
        index.setKeyCandidate(op.key, op.policy, version);
        const scope = keys.get(op.key);
        if (scope !== undefined) scope.candidate = { policy: op.policy, version };
        return;
      }
      case 'remove-key':
        index.removeKey(op.key);
        keys.delete(op.key);
        return;
    }
  });
  return { accounts, keys };
}

/** An index of the state's policies, each scope's candidate promoted or not. */
function built(state: ReturnType<typeof replay>, promote: boolean): DecisionIndex {
  const index = new DecisionIndex({ exemptServices: ['mns'] });
  const pick = (scope: Scope) =>
    promote && scope.candidate.policy !== null ? scope.candidate : scope.enforced;
  for (const [account, scope] of state.accounts) {
    const { policy, version } = pick(scope);
    index.setAccountPolicy(account, policy, version);
  }
  for (const [key, scope] of state.keys) {
    const { policy, version } = pick(scope);
    index.setKey(key, accountOf(key), policy, version);
  }
  return index;
}

test('report-only candidates change no decision, and decideCandidate is the decision once they are promoted, when one takes part', () => {
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
      const index = new DecisionIndex({ exemptServices: ['mns'] });
      const state = replay(index, operations);
      const without = built(state, false);
      const promoted = built(state, true);
      let candidates = 0;
      for (const scope of [...state.accounts.values(), ...state.keys.values()]) {
        if (scope.candidate.policy !== null) candidates++;
      }
      assert.equal(index.candidateCount, candidates);
      for (const key of KEYS) {
        const scope = state.keys.get(key);
        // A candidate takes part: the key's own, or the account's when no Active key-level
        // policy decides for the key.
        const staged =
          scope !== undefined &&
          (scope.candidate.policy !== null ||
            (state.accounts.get(accountOf(key))!.candidate.policy !== null &&
              scope.enforced.policy?.Status !== 'Active'));
        for (const ip of IPS) {
          for (const vpcId of VPCS) {
            for (const service of SERVICES) {
              const credential = { accessKeyId: key, temporary: false };
              const source = { ip, vpcId };
              assert.deepEqual(
                index.decide(credential, source, service),
                without.decide(credential, source, service),
              );
              const candidate = index.decideCandidate(credential, source, service);
              if (!staged) {
                assert.equal(candidate, null);
                continue;
              }
              assert.deepEqual(candidate, promoted.decide(credential, source, service));
              assert.equal(
                index.decideCandidate({ accessKeyId: key, temporary: true }, source, service),
                null,
              );
            }
          }
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('a removed key takes its candidate with it, and a reused slot starts without one', () => {
  const index = new DecisionIndex();
  const allowNone: AccessKeyPolicy = { Version: 1, Status: 'Active', Statements: [] };
  index.setKey(KEYS[0]!, '1001', null, 1);
  index.setKeyCandidate(KEYS[0]!, allowNone, 2);
  assert.equal(index.candidateCount, 1);
  index.removeKey(KEYS[0]!);
  assert.equal(index.candidateCount, 0);
  index.setKey(KEYS[1]!, '1001', null, 3);
  assert.equal(
    index.decideCandidate({ accessKeyId: KEYS[1]!, temporary: false }, { ip: '10.0.0.1' }, 'ecs'),
    null,
  );
  index.setKeyCandidate('LTAIunknown000001', allowNone, 4);
  assert.equal(index.candidateCount, 0);
});

test('an account with only a candidate keeps it until a key arrives', () => {
  const index = new DecisionIndex();
  const denyAll: AccessKeyPolicy = { Version: 1, Status: 'Active', Statements: [] };
  index.setAccountCandidate('1001', denyAll, 1);
  index.setKey(KEYS[0]!, '1001', null, 2);
  const candidate = index.decideCandidate(
    { accessKeyId: KEYS[0]!, temporary: false },
    { ip: '10.0.0.1' },
    'ecs',
  );
  assert.equal(candidate?.allowed, false);
  assert.equal(candidate?.scope, 'account');
  assert.equal(candidate?.policyVersion, 1);
  assert.equal(
    index.decide({ accessKeyId: KEYS[0]!, temporary: false }, { ip: '10.0.0.1' }, 'ecs').allowed,
    true,
  );
});

test("an account's candidate takes no part for a key its own Active policy decides", () => {
  const index = new DecisionIndex();
  const allowTen: AccessKeyPolicy = {
    Version: 1,
    Status: 'Active',
    Statements: [{ Type: 'ClassicWhiteList', IPList: ['10.0.0.0/8'] }],
  };
  const denyAll: AccessKeyPolicy = { Version: 1, Status: 'Active', Statements: [] };
  index.setKey(KEYS[0]!, '1001', allowTen, 1);
  index.setAccountCandidate('1001', denyAll, 2);
  const credential = { accessKeyId: KEYS[0]!, temporary: false };
  assert.equal(index.decideCandidate(credential, { ip: '192.168.1.1' }, 'ecs'), null);
  assert.equal(index.decideCandidate(credential, { ip: '10.0.0.1' }, 'mns'), null);
  // Its key's Inactive candidate hands the key to the account's candidate: both take part.
  index.setKeyCandidate(KEYS[0]!, { ...allowTen, Status: 'Inactive' }, 3);
  const candidate = index.decideCandidate(credential, { ip: '10.0.0.1' }, 'ecs');
  assert.equal(candidate?.allowed, false);
  assert.equal(candidate?.scope, 'account');
});
