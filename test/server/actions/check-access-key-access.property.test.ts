/**
 * CheckAccessKeyAccess agrees with the node it asks, on SQLite and PostgreSQL: for random
 * account-level and AccessKey-level policies (either Active or Inactive, or none) and a random
 * source, its `Allowed` is what a real signed call of that key from that source gets; and asked
 * by that call's RequestId while the policies are unchanged, it says the same as the call's
 * recorded outcome.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { useDialects } from '../../store/support/dialects.js';
import { listEntry } from '../../support/address-arbitraries.js';
import { call, expectSuccess } from '../../support/server-harness.js';
import { startCheckServer } from './support/check-server.js';

const DENIED = 'InvalidAccessKeyId.AccessPolicyDenied';
const VPC = 'vpc-prop1';

const policy = fc.record({
  Version: fc.constant(1),
  Status: fc.constantFrom('Active', 'Inactive'),
  Statements: fc.array(
    fc.oneof(
      fc.record({
        Type: fc.constant('ClassicWhiteList'),
        IPList: fc.array(
          listEntry.map((e) => e.text),
          { minLength: 1, maxLength: 4 },
        ),
      }),
      fc.record({
        Type: fc.constant('VPCWhiteList'),
        Value: fc.constantFrom(VPC, 'AllowAllVPC', 'vpc-elsewhere'),
        IPList: fc.array(
          listEntry.map((e) => e.text),
          { minLength: 1, maxLength: 4 },
        ),
      }),
    ),
    { maxLength: 3 },
  ),
});

/** Sources near the policies' entries as often as anywhere, so both outcomes are common. */
const scenario = fc
  .record({
    account: fc.option(policy, { nil: undefined }),
    key: fc.option(policy, { nil: undefined }),
    inVpc: fc.boolean(),
  })
  .chain((s) => {
    const entries = [s.account, s.key].flatMap((p) => p?.Statements.flatMap((st) => st.IPList) ?? []);
    const near = entries.map((entry) => entry.split('/')[0]!);
    const ip =
      near.length === 0
        ? listEntry.map((e) => e.text.split('/')[0]!)
        : fc.oneof(
            fc.constantFrom(...near),
            listEntry.map((e) => e.text.split('/')[0]!),
          );
    return ip.map((sourceIp) => ({ ...s, sourceIp }));
  })
  // At most one ClassicWhiteList a policy: the limit the store's policies keep.
  .filter(({ account, key }) =>
    [account, key].every(
      (p) => (p?.Statements.filter((st) => st.Type === 'ClassicWhiteList').length ?? 0) <= 1,
    ),
  );

const CLEARED = { Version: 1, Status: 'Inactive', Statements: [] };

for (const fixture of useDialects()) {
  describe(`CheckAccessKeyAccess agrees with the calls it checks, on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);

    test('Allowed is the outcome of a real call from the source, and of that call by RequestId', async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ account, key, inVpc, sourceIp }) => {
          await t.setPolicy({ kind: 'account' }, account ?? CLEARED);
          await t.setPolicy({ kind: 'accessKey', key: t.alice }, key ?? CLEARED);
          const reply = await call(t.port, {
            action: 'GetCallerIdentity',
            version: '2015-04-01',
            credentials: t.alice,
            headers: { 'x-forwarded-for': sourceIp, ...(inVpc ? { 'x-forwarded-vpc-id': VPC } : {}) },
          });
          assert.ok(reply.status === 200 || reply.body.Code === DENIED, reply.text);
          const called = reply.status === 200;
          const bySource = expectSuccess(
            await t.check({
              AccessKeyId: t.alice.accessKeyId,
              SourceIp: sourceIp,
              ...(inVpc ? { VpcId: VPC } : {}),
              Service: 'sts',
            }),
          );
          assert.equal(bySource.Allowed, called, JSON.stringify(bySource));
          await t.sink.flush();
          const byRequest = expectSuccess(await t.check({ RequestId: reply.body.RequestId }));
          assert.equal(byRequest.Allowed, called);
          assert.equal(byRequest.RecordedCall.Allowed, called);
          for (const field of ['Reason', 'Scope', 'StatementIndex', 'PolicyVersion', 'Scopes'] as const)
            assert.deepEqual(byRequest[field], bySource[field], field);
        }),
        { numRuns: fixture.name === 'sqlite' ? 40 : 20 },
      );
    });
  });
}
