/**
 * GetAccessKeyPolicyEntryUsage through a real server, on SQLite and PostgreSQL: per entry of the
 * account's policy, what real signed calls (public, IPv4-mapped, VPC, one denied) it let in; the
 * policy as stored now decides (an entry removed since leaves its calls uncovered); every refusal
 * of bad input; AliyunRAMReadOnlyAccess may read it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserName } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import {
  type Credentials,
  call,
  createUserKey,
  expectError,
  expectSuccess,
  type Reply,
} from '../../support/server-harness.js';
import { KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';

const DAY = 86_400_000;
const format = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

const POLICY = {
  Version: 1,
  Status: 'Active',
  Statements: [
    { Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24', '198.51.100.7', '192.0.2.1'] },
    { Type: 'VPCWhiteList', Value: 'vpc-abc123', IPList: ['10.1.2.0/24'] },
  ],
};

for (const fixture of useDialects()) {
  describe(`GetAccessKeyPolicyEntryUsage on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const usage = (params: Record<string, string>, credentials: Credentials = t.root): Promise<Reply> =>
      call(t.port, {
        action: 'GetAccessKeyPolicyEntryUsage',
        version: KEYFENCE_VERSION,
        credentials,
        params,
      });

    test('no policy set: EntityNotExist.AccessKeyPolicy', async () => {
      expectError(await usage({}), 404, 'EntityNotExist.AccessKeyPolicy');
      expectError(await usage({ AccessKeyId: t.alice.accessKeyId }), 404, 'EntityNotExist.AccessKeyPolicy');
    });

    test('per entry: hits, sources and last hit of the allowed calls; denied calls left out', async () => {
      const version = await t.setPolicy({ kind: 'account' }, POLICY);
      for (let i = 0; i < 2; i++) expectSuccess(await t.aliceFrom('203.0.113.5'));
      expectSuccess(await t.aliceFrom('203.0.113.9'));
      expectSuccess(await t.aliceFrom('::ffff:198.51.100.7'));
      expectSuccess(await t.aliceFrom('10.1.2.3', 'vpc-abc123'));
      expectError(await t.aliceFrom('192.168.0.9'), 400, 'InvalidAccessKeyId.AccessPolicyDenied');
      await t.sink.flush();
      const body = expectSuccess(await usage({}));
      assert.equal(body.PolicyVersion, version);
      assert.equal(body.AccessKeyId, undefined);
      assert.match(body.StartTime, TIME);
      assert.equal(Date.parse(body.EndTime) - Date.parse(body.StartTime), 90 * DAY);
      const entries = body.Entries.map((e: Record<string, unknown>) => {
        assert.equal(e.LastHit === undefined, e.Hits === 0);
        if (e.LastHit !== undefined) assert.match(String(e.LastHit), TIME);
        return [e.StatementIndex, e.Type, e.Value, e.Entry, e.Hits, e.Sources];
      });
      assert.deepEqual(entries, [
        [0, 'ClassicWhiteList', undefined, '203.0.113.0/24', 3, 2],
        [0, 'ClassicWhiteList', undefined, '198.51.100.7', 1, 1],
        [0, 'ClassicWhiteList', undefined, '192.0.2.1', 0, 0],
        [1, 'VPCWhiteList', 'vpc-abc123', '10.1.2.0/24', 1, 1],
      ]);
      assert.equal(body.UncoveredCalls, 0);
    });

    test('the policy as stored now decides: calls of a removed entry are uncovered', async () => {
      const changed = {
        ...POLICY,
        Status: 'Inactive',
        Statements: [{ Type: 'ClassicWhiteList', IPList: ['203.0.113.5', '203.0.113.0/24'] }],
      };
      await t.setPolicy({ kind: 'account' }, changed);
      const body = expectSuccess(await usage({ StartTime: format(Date.now() - 2 * DAY) }));
      assert.deepEqual(
        body.Entries.map((e: Record<string, unknown>) => [e.Entry, e.Hits, e.Sources]),
        [
          ['203.0.113.5', 2, 1],
          ['203.0.113.0/24', 1, 1],
        ],
      );
      assert.equal(body.UncoveredCalls, 2);
      // Alice's own policy now governs her: the account's entries see none of her calls.
      await t.setPolicy({ kind: 'accessKey', key: t.alice }, POLICY);
      const account = expectSuccess(await usage({}));
      assert.deepEqual(
        account.Entries.map((e: Record<string, unknown>) => e.Hits),
        [0, 0],
      );
      const own = expectSuccess(await usage({ AccessKeyId: t.alice.accessKeyId }));
      assert.equal(own.AccessKeyId, t.alice.accessKeyId);
      assert.deepEqual(
        own.Entries.map((e: Record<string, unknown>) => e.Hits),
        [3, 1, 0, 1],
      );
    });

    test('bad input: each refused with its code', async () => {
      const now = Date.now();
      const other = await t.store.write(async (tx) => {
        const account = await tx.createAccount();
        return tx.createAccessKey(account.accountId);
      });
      const refusals: [Record<string, string>, number, string][] = [
        [{ StartTime: '2026-01-01' }, 400, 'InvalidParameter.StartTime'],
        [
          { StartTime: format(now - DAY), EndTime: format(now - 2 * DAY) },
          400,
          'InvalidTimeRange.EndBeforeStart',
        ],
        [{ StartTime: format(now - 3_600_000), EndTime: format(now) }, 400, 'InvalidTimeRange.Length'],
        [
          { StartTime: format(now - 100 * DAY), EndTime: format(now - 95 * DAY) },
          400,
          'InvalidTimeRange.BeforeRetention',
        ],
        [{ AccessKeyId: 'LTAI5tNoSuchKeyNoSuchKey' }, 404, 'EntityNotExist.User.AccessKey'],
        [{ AccessKeyId: other.accessKeyId }, 404, 'EntityNotExist.User.AccessKey'],
        [{ AccessKeyId: 'STS.NUQNP4PiGyckMsNiGELCs0001' }, 400, 'InvalidParameter.AccessKeyId'],
      ];
      for (const [params, status, code] of refusals) expectError(await usage(params), status, code);
    });

    test('a RAM user without keyfence:Get* is refused; AliyunRAMReadOnlyAccess allows it', async () => {
      const credentials = await createUserKey(t, 'reader');
      expectError(await usage({}, credentials), 403, 'NoPermission');
      await t.store.write((tx) =>
        tx.attachPolicyToUser(t.accountId, 'reader' as UserName, {
          policyType: 'System',
          policyName: 'AliyunRAMReadOnlyAccess',
        }),
      );
      const deadline = Date.now() + 5000;
      let reply = await usage({}, credentials);
      while (reply.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        reply = await usage({}, credentials);
      }
      expectSuccess(reply);
    });
  });
}
