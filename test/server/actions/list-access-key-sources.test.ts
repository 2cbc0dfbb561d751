/**
 * ListAccessKeySources through a real server, on SQLite and PostgreSQL: the sources of real
 * signed calls from several addresses (a trusted proxy's X-Forwarded-For, a VPC, a denied one), by
 * key, by RAM user and for the whole account; the order, the pages, `CoveredByCurrentPolicy` and
 * `New`; and every refusal of bad input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NewAuditEvent, UserName } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import {
  type Credentials,
  call,
  createUserKey,
  expectError,
  expectSuccess,
  type Reply,
} from '../../support/server-harness.js';
import { classic, KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';
import { seededEvent } from './support/seeded-event.js';

const DAY = 86_400_000;
const format = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

for (const fixture of useDialects()) {
  describe(`ListAccessKeySources on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const list = (params: Record<string, string>, credentials: Credentials = t.root): Promise<Reply> =>
      call(t.port, { action: 'ListAccessKeySources', version: KEYFENCE_VERSION, credentials, params });

    // Alice's traffic: three calls from one address, one from another, one from a VPC; then a
    // policy that lets in only the first address, and a call it denies.
    for (let i = 0; i < 3; i++) expectSuccess(await t.aliceFrom('203.0.113.5'));
    expectSuccess(await t.aliceFrom('::ffff:198.51.100.7'));
    expectSuccess(await t.aliceFrom('10.1.2.3', 'vpc-abc123'));
    await t.setPolicy({ kind: 'accessKey', key: t.alice }, classic('203.0.113.0/24'));
    expectError(await t.aliceFrom('192.0.2.9'), 400, 'InvalidAccessKeyId.AccessPolicyDenied');
    // A source alice used three days ago, and again today: not new.
    const old = Date.now() - 3 * DAY;
    await t.store.appendAuditEvents([eventOf(t.accountId, t.alice.accessKeyId, '203.0.113.5', old)]);
    await t.sink.flush();
    const alice = await t.store.getUser(t.accountId, 'alice' as UserName);

    const aliceSources = [
      ['203.0.113.5', undefined, 4, 0, true, false],
      ['10.1.2.3', 'vpc-abc123', 1, 0, false, true],
      ['192.0.2.9', undefined, 0, 1, false, true],
      ['198.51.100.7', undefined, 1, 0, false, true],
    ];
    const summary = (body: { Sources: Record<string, unknown>[] }) =>
      body.Sources.map((s: Record<string, unknown>) => [
        s.SourceIp,
        s.VpcId,
        s.AllowedCalls,
        s.DeniedCalls,
        s.CoveredByCurrentPolicy,
        s.New,
      ]);

    test('by key: each source with its calls, most first, ties by source; covered and new', async () => {
      const body = expectSuccess(await list({ AccessKeyId: t.alice.accessKeyId }));
      assert.deepEqual(summary(body), aliceSources);
      assert.equal(body.TotalCount, 4);
      assert.equal(body.NextToken, '');
      const [busiest, vpc] = body.Sources;
      assert.equal(busiest.AccessKeyId, t.alice.accessKeyId);
      assert.equal(busiest.FirstSeen, format(old));
      assert.match(busiest.LastSeen, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(busiest.Services, [
        { Service: 'sts', Calls: 3 },
        { Service: '*', Calls: 1 },
      ]);
      assert.equal(Object.hasOwn(busiest, 'VpcId'), false);
      assert.equal(vpc.VpcId, 'vpc-abc123');
      // The window defaults to the last 30 days.
      assert.equal(Date.parse(body.EndTime) - Date.parse(body.StartTime), 30 * DAY);
    });

    test('by RAM user: the sources of its keys; for the account: every key’s', async () => {
      const byUser = expectSuccess(await list({ UserPrincipalName: alice.userPrincipalName }));
      assert.deepEqual(summary(byUser), aliceSources);
      // The root key's own calls to this action, once stored, are sources of the account too.
      await t.sink.flush();
      const account = expectSuccess(await list({}));
      const keys = new Set(account.Sources.map((s: Record<string, unknown>) => s.AccessKeyId));
      assert.deepEqual(keys, new Set([t.alice.accessKeyId, t.root.accessKeyId]));
      assert.deepEqual(
        summary({
          Sources: account.Sources.filter(
            (s: Record<string, unknown>) => s.AccessKeyId === t.alice.accessKeyId,
          ),
        }),
        aliceSources,
      );
    });

    test('SortBy=LastSeen and pages of one: every source once, most recent first', async () => {
      const seen: Record<string, unknown>[] = [];
      let token = '';
      do {
        const params: Record<string, string> = {
          AccessKeyId: t.alice.accessKeyId,
          SortBy: 'LastSeen',
          MaxResults: '1',
        };
        if (token !== '') params.NextToken = token;
        const body = expectSuccess(await list(params));
        assert.ok(body.Sources.length <= 1);
        seen.push(...body.Sources);
        token = body.NextToken;
      } while (token !== '');
      assert.equal(seen.length, 4);
      assert.equal(seen[0].SourceIp, '192.0.2.9', 'the denied call came last');
      const last = seen.map((s) => Date.parse(String(s.LastSeen)));
      assert.deepEqual(
        last,
        [...last].sort((a, b) => b - a),
      );
    });

    test('a window of the last day still knows a source seen before it (not new)', async () => {
      const now = Date.now();
      const body = expectSuccess(
        await list({
          AccessKeyId: t.alice.accessKeyId,
          StartTime: format(now - DAY - 1000),
          EndTime: format(now),
        }),
      );
      const busiest = body.Sources.find((s: Record<string, unknown>) => s.SourceIp === '203.0.113.5');
      assert.equal(busiest.AllowedCalls, 3, 'the call of three days ago is outside the window');
      assert.equal(busiest.New, false);
    });

    test('bad input: each refused with its code', async () => {
      const now = Date.now();
      const key = { AccessKeyId: t.alice.accessKeyId };
      const refusals: [Record<string, string>, number, string][] = [
        [{ ...key, StartTime: '2026-01-01' }, 400, 'InvalidParameter.StartTime'],
        [{ ...key, EndTime: '2026-01-01T00:00:00+08:00' }, 400, 'InvalidParameter.EndTime'],
        [
          { ...key, StartTime: format(now - DAY), EndTime: format(now - 2 * DAY) },
          400,
          'InvalidTimeRange.EndBeforeStart',
        ],
        [
          { ...key, StartTime: format(now - 3_600_000), EndTime: format(now) },
          400,
          'InvalidTimeRange.Length',
        ],
        [{ ...key, StartTime: format(now - 91 * DAY), EndTime: format(now) }, 400, 'InvalidTimeRange.Length'],
        [
          { ...key, StartTime: format(now - 100 * DAY), EndTime: format(now - 95 * DAY) },
          400,
          'InvalidTimeRange.BeforeRetention',
        ],
        [{ AccessKeyId: 'LTAI5tNoSuchKeyNoSuchKey' }, 404, 'EntityNotExist.User.AccessKey'],
        [{ AccessKeyId: 'not-a-key' }, 404, 'EntityNotExist.User.AccessKey'],
        [{ AccessKeyId: 'STS.NUQNP4PiGyckMsNiGELCs0001' }, 400, 'InvalidParameter.AccessKeyId'],
        [{ ...key, UserPrincipalName: alice.userPrincipalName }, 400, 'InvalidParameter.MutuallyExclusive'],
        [{ UserPrincipalName: 'nobody@1234567890123456.onaliyun.com' }, 404, 'EntityNotExist.User'],
        [{ UserPrincipalName: 'alice' }, 400, 'InvalidParameter.UserPrincipalName'],
        [{ ...key, MaxResults: '0' }, 400, 'InvalidParameter.MaxResults'],
        [{ ...key, MaxResults: '101' }, 400, 'InvalidParameter.MaxResults'],
        [{ ...key, SortBy: 'calls' }, 400, 'InvalidParameter.SortBy'],
        [{ ...key, NextToken: 'bm90LWEtdG9rZW4' }, 400, 'InvalidParameter.NextToken'],
      ];
      for (const [params, status, code] of refusals) {
        expectError(await list(params), status, code);
      }
      const first = expectSuccess(await list({ ...key, MaxResults: '1' }));
      // A token continues only its own listing.
      expectError(await list({ NextToken: first.NextToken }), 400, 'InvalidParameter.NextToken');
      expectError(
        await list({ ...key, NextToken: first.NextToken, SortBy: 'LastSeen' }),
        400,
        'InvalidParameter.NextToken',
      );
      expectSuccess(await list({ ...key, NextToken: first.NextToken, EndTime: first.EndTime }));
    });

    test('another account’s key is answered like an unknown one', async () => {
      const other = await t.store.write(async (tx) => {
        const account = await tx.createAccount();
        return tx.createAccessKey(account.accountId);
      });
      await t.store.appendAuditEvents([
        eventOf(other.accountId, other.accessKeyId, '203.0.113.1', Date.now()),
      ]);
      expectError(await list({ AccessKeyId: other.accessKeyId }), 404, 'EntityNotExist.User.AccessKey');
    });

    test('a RAM user without keyfence:List* is refused; AliyunRAMReadOnlyAccess allows it', async () => {
      const credentials = await createUserKey(t, 'reader');
      expectError(await list({}, credentials), 403, 'NoPermission');
      await t.store.write((tx) =>
        tx.attachPolicyToUser(t.accountId, 'reader' as UserName, {
          policyType: 'System',
          policyName: 'AliyunRAMReadOnlyAccess',
        }),
      );
      const deadline = Date.now() + 5000;
      let reply = await list({}, credentials);
      while (reply.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        reply = await list({}, credentials);
      }
      expectSuccess(reply);
    });
  });
}

/** An allowed call of `accessKeyId` from `ip` at `at`, as the audit log stores it. */
function eventOf(accountId: string, accessKeyId: string, ip: string, at: number): NewAuditEvent {
  return seededEvent('LS', {
    accountId: accountId as NewAuditEvent['accountId'],
    accessKeyId,
    userName: 'alice',
    sourceIp: ip,
    vpcId: null,
    service: null,
    errorCode: null,
    count: 1,
    at,
  });
}
