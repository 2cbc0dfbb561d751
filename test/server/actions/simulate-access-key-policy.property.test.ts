/**
 * SimulateAccessKeyPolicy against the truth computed from the raw events, through a real server
 * on SQLite and PostgreSQL: random policies on the account and on fresh keys (Active, Inactive),
 * random traffic (public and VPC sources, an exempt service, STS credentials, coalesced events,
 * calls that failed otherwise) recorded as the policies in force decided it, or as earlier
 * policies did (the policies changed after the traffic), and a random candidate for the account
 * or one key. The truth decides every raw event with a fresh DecisionIndex under the current
 * policies and under the candidate in place.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DecisionIndex } from '../../../src/policy/decision-index.js';
import { parsePolicy } from '../../../src/policy/parse-policy.js';
import type { AccessKeyPolicy } from '../../../src/policy/policy-document.js';
import type { AccessKeyId, NewAuditEvent, UserName } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import { call, expectSuccess } from '../../support/server-harness.js';
import { EXEMPT_SERVICE, KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';
import { seededEvent } from './support/seeded-event.js';

const HOUR = 3_600_000;
const SOURCES = ['203.0.113.5', '198.51.100.7', '192.0.2.1', '2001:db8::1', '10.0.0.1'];
const VPCS = [null, null, 'vpc-a', 'vpc-b'];
const SERVICES = ['ecs', 'oss', EXEMPT_SERVICE, null];
const ACL_DENIED = 'InvalidAccessKeyId.AccessPolicyDenied';
const KEYS = 3;

const DOCUMENTS = [
  [{ Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24'] }],
  [{ Type: 'ClassicWhiteList', IPList: ['198.51.100.0/24', '2001:db8::/32'] }],
  [
    { Type: 'ClassicWhiteList', IPList: ['192.0.2.1'] },
    { Type: 'VPCWhiteList', Value: 'vpc-a', IPList: ['10.0.0.0/8'] },
  ],
  [{ Type: 'VPCWhiteList', Value: 'AllowAllVPC', IPList: ['0.0.0.0/0'] }],
];

interface PolicyChoice {
  readonly document: number;
  readonly active: boolean;
}

const aPolicy: fc.Arbitrary<PolicyChoice> = fc.record({
  document: fc.nat(DOCUMENTS.length - 1),
  active: fc.boolean(),
});

interface Traffic {
  /** A run key's index, or KEYS for an STS credential. */
  readonly key: number;
  readonly source: number;
  readonly vpc: number;
  readonly service: number;
  readonly hoursAgo: number;
  /** For a call the policies allow: whether it failed for another reason. */
  readonly failed: boolean;
  readonly count: number;
}

const aTraffic: fc.Arbitrary<Traffic> = fc.record({
  key: fc.nat(KEYS),
  source: fc.nat(SOURCES.length - 1),
  vpc: fc.nat(VPCS.length - 1),
  service: fc.nat(SERVICES.length - 1),
  hoursAgo: fc.nat(48),
  failed: fc.boolean(),
  count: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 20 })),
});

const somePolicies = fc.record({
  account: aPolicy,
  keys: fc.array(fc.option(aPolicy, { nil: undefined }), { minLength: KEYS, maxLength: KEYS }),
});

interface Policies {
  readonly account: PolicyChoice;
  readonly keys: readonly (PolicyChoice | undefined)[];
}

const aRun = fc.record({
  account: aPolicy,
  keys: fc.array(fc.option(aPolicy, { nil: undefined }), { minLength: KEYS, maxLength: KEYS }),
  /** The policies the traffic was recorded under, when they were not the current ones. */
  earlier: fc.option(somePolicies, { nil: undefined }),
  traffic: fc.array(aTraffic, { maxLength: 30 }),
  /** Undefined: an account-level candidate; otherwise the key it is for. */
  target: fc.option(fc.nat(KEYS - 1), { nil: undefined }),
  candidate: aPolicy,
});

function policyOf(choice: PolicyChoice): AccessKeyPolicy {
  const parsed = parsePolicy(JSON.stringify(documentOf(choice)));
  assert.ok(parsed.ok);
  return parsed.policy;
}

function documentOf(choice: PolicyChoice) {
  return {
    Version: 1,
    Status: choice.active ? 'Active' : 'Inactive',
    Statements: DOCUMENTS[choice.document],
  };
}

interface Change {
  SourceIp: string;
  VpcId?: string;
  Calls: number;
}

for (const fixture of useDialects()) {
  describe(`SimulateAccessKeyPolicy against the raw events on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    await t.store.write((tx) => tx.createUser(t.accountId, { userName: 'bob' as UserName }));
    let serial = 0;

    test('newly denied and newly allowed are the raw events decided under both', async () => {
      await fc.assert(
        fc.asyncProperty(aRun, async (run) => {
          const keys = await t.store.write(async (tx) => [
            (await tx.createAccessKey(t.accountId, { userName: 'bob' as UserName })).accessKeyId as string,
            ...(await Promise.all([tx.createAccessKey(t.accountId), tx.createAccessKey(t.accountId)])).map(
              (key) => key.accessKeyId as string,
            ),
          ]);
          try {
            const stsKey = `STS.simulate${++serial}`;
            await t.setPolicy({ kind: 'account' }, documentOf(run.account));
            for (const [i, choice] of run.keys.entries()) {
              if (choice === undefined) continue;
              await t.setPolicy(
                { kind: 'accessKey', key: { accessKeyId: keys[i]!, accessKeySecret: '' } },
                documentOf(choice),
              );
            }

            const build = (policies: Policies, candidate: boolean) => {
              const index = new DecisionIndex({ exemptServices: [EXEMPT_SERVICE] });
              const account = candidate && run.target === undefined ? run.candidate : policies.account;
              index.setAccountPolicy(t.accountId, policyOf(account), 1);
              for (const [i, key] of keys.entries()) {
                const choice = candidate && run.target === i ? run.candidate : policies.keys[i];
                index.setKey(key, t.accountId, choice === undefined ? null : policyOf(choice), 1);
              }
              return index;
            };
            const now = build(run, false);
            const then = build(run, true);
            const recorded = run.earlier === undefined ? now : build(run.earlier, false);

            const start = Date.now();
            const denied = new Map<string, Change>();
            const allowed = new Map<string, Change>();
            const events = run.traffic.map((item): NewAuditEvent => {
              const accessKeyId = item.key === KEYS ? stsKey : keys[item.key]!;
              const credential = { accessKeyId, temporary: item.key === KEYS };
              const sourceIp = SOURCES[item.source]!;
              const vpcId = VPCS[item.vpc]!;
              const source = vpcId === null ? { ip: sourceIp } : { ip: sourceIp, vpcId };
              const service = SERVICES[item.service]!;
              const before = now.decide(credential, source, service ?? '');
              const after = then.decide(credential, source, service ?? '');
              const whenMade = recorded.decide(credential, source, service ?? '');
              // As the server records it: a call the policies allow may still fail (never an exempt one).
              const failed = whenMade.allowed && item.failed && service !== EXEMPT_SERVICE;
              const errorCode = !whenMade.allowed ? ACL_DENIED : failed ? 'NoPermission' : null;
              const count = errorCode === null ? item.count : 1;
              if (!failed && before.allowed !== after.allowed) {
                const changes = after.allowed ? allowed : denied;
                const id = `${accessKeyId}\n${sourceIp}\n${vpcId}`;
                const change = changes.get(id) ?? {
                  SourceIp: sourceIp,
                  ...(vpcId === null ? {} : { VpcId: vpcId }),
                  Calls: 0,
                };
                change.Calls += count;
                changes.set(id, change);
              }
              return seededEvent('SP', {
                accountId: t.accountId,
                accessKeyId,
                userName: 'bob',
                sourceIp,
                vpcId,
                service,
                errorCode,
                count,
                at: start - item.hoursAgo * HOUR,
              });
            });
            await t.store.appendAuditEvents(events);

            const params: Record<string, string> = {
              AccessKeyPolicy: JSON.stringify(documentOf(run.candidate)),
            };
            if (run.target !== undefined) params.AccessKeyId = keys[run.target]!;
            const body = expectSuccess(
              await call(t.port, {
                action: 'SimulateAccessKeyPolicy',
                version: KEYFENCE_VERSION,
                credentials: t.root,
                params,
              }),
            );

            const byKey = (changes: Map<string, Change>) => {
              const grouped = new Map<string, Change[]>();
              for (const [id, change] of changes) {
                const key = id.split('\n')[0]!;
                grouped.set(key, [...(grouped.get(key) ?? []), change]);
              }
              return grouped;
            };
            const expectedDenied = byKey(denied);
            const expectedAllowed = byKey(allowed);
            const changedKeys = [...new Set([...expectedDenied.keys(), ...expectedAllowed.keys()])].sort();
            const sorted = (changes: readonly Change[]) =>
              [...changes].sort((a, b) => compare(`${a.SourceIp} ${a.VpcId}`, `${b.SourceIp} ${b.VpcId}`));
            const strip = (changes: readonly Change[]) =>
              sorted(
                changes.map(({ SourceIp, VpcId, Calls }) => ({
                  SourceIp,
                  ...(VpcId === undefined ? {} : { VpcId }),
                  Calls,
                })),
              );
            assert.deepEqual(
              body.Keys.map((key: Record<string, unknown>) => ({
                AccessKeyId: key.AccessKeyId,
                NewlyDenied: strip(key.NewlyDenied as Change[]),
                NewlyAllowed: strip(key.NewlyAllowed as Change[]),
              })),
              changedKeys.map((key) => ({
                AccessKeyId: key,
                NewlyDenied: sorted(expectedDenied.get(key) ?? []),
                NewlyAllowed: sorted(expectedAllowed.get(key) ?? []),
              })),
            );
            const total = (changes: Map<string, Change>) =>
              [...changes.values()].reduce((n, c) => n + c.Calls, 0);
            assert.equal(body.NewlyDeniedCalls, total(denied));
            assert.equal(body.NewlyAllowedCalls, total(allowed));
            assert.deepEqual(body.ExcludedServices, [EXEMPT_SERVICE]);
            assert.equal(body.Truncated, false);

            // The account-level candidate decides for the keys without an Active key-level policy:
            // alice's (no traffic) and the run's; the root key has its own.
            const affected =
              run.target === undefined
                ? [t.alice.accessKeyId, ...keys.filter((_, i) => run.keys[i]?.active !== true)]
                : [keys[run.target]!];
            const withTraffic = new Set(
              run.traffic.filter((item) => item.key < KEYS).map((item) => keys[item.key]!),
            );
            assert.equal(body.AffectedKeys, affected.length);
            assert.equal(body.KeysWithoutTraffic, affected.filter((key) => !withTraffic.has(key)).length);
          } finally {
            // The run's keys leave the account: the next run's account-level candidate is not theirs.
            await t.store.write(async (tx) => {
              for (const key of keys)
                await tx.deleteAccessKey(t.accountId, key as AccessKeyId, { actor: 'test' });
            });
          }
        }),
        { numRuns: 25 },
      );
    });
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
