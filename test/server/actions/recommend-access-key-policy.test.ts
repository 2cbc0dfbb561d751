/**
 * RecommendAccessKeyPolicy through a real server, on SQLite and PostgreSQL: a draft from real
 * signed calls (public, IPv4-mapped, VPC, and a private address seen on the public network), for
 * one key and for the keys the account's policy governs; Coverage and MinCalls; every refusal of
 * bad input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePolicy } from '../../../src/policy/parse-policy.js';
import type { NewAuditEvent } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import {
  type Credentials,
  call,
  createUserKey,
  expectError,
  expectSuccess,
  type Reply,
} from '../../support/server-harness.js';
import { type CheckServer, classic, KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';

const DAY = 86_400_000;
const format = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

const ALICE_DRAFT = {
  Version: 1,
  Status: 'Active',
  Statements: [
    { Type: 'ClassicWhiteList', IPList: ['198.51.100.7', '203.0.113.5'] },
    { Type: 'VPCWhiteList', Value: 'vpc-abc123', IPList: ['10.1.2.3'] },
  ],
};

for (const fixture of useDialects()) {
  describe(`RecommendAccessKeyPolicy on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const recommend = (params: Record<string, string>, credentials: Credentials = t.root): Promise<Reply> =>
      call(t.port, { action: 'RecommendAccessKeyPolicy', version: KEYFENCE_VERSION, credentials, params });

    for (let i = 0; i < 3; i++) expectSuccess(await t.aliceFrom('203.0.113.5'));
    expectSuccess(await t.aliceFrom('::ffff:198.51.100.7'));
    expectSuccess(await t.aliceFrom('10.1.2.3', 'vpc-abc123'));
    expectSuccess(await t.aliceFrom('192.168.0.9'));
    await t.sink.flush();

    test('for a key: the draft, what each entry lets in, and what was left out', async () => {
      const body = expectSuccess(await recommend({ AccessKeyId: t.alice.accessKeyId }));
      assert.deepEqual(JSON.parse(body.AccessKeyPolicy), ALICE_DRAFT);
      const parsed = parsePolicy(body.AccessKeyPolicy);
      assert.ok(parsed.ok);
      assert.equal(parsed.canonical, body.AccessKeyPolicy);
      assert.deepEqual(parsed.warnings, []);
      assert.deepEqual(
        body.Entries.map((e: Record<string, unknown>) => [
          e.StatementIndex,
          e.Entry,
          e.Sources,
          e.Calls,
          e.Addresses,
        ]),
        [
          [0, '198.51.100.7', 1, 1, '1'],
          [0, '203.0.113.5', 1, 3, '1'],
          [1, '10.1.2.3', 1, 1, '1'],
        ],
      );
      assert.match(body.Entries[0].LastSeen, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(
        body.Uncovered.map((u: Record<string, unknown>) => [u.SourceIp, u.VpcId, u.Calls, u.Reason]),
        [['192.168.0.9', undefined, 1, 'NotPublicAddress']],
      );
      assert.equal(body.CoveredCalls, 5);
      assert.equal(body.TotalCalls, 6);
      assert.equal(Date.parse(body.EndTime) - Date.parse(body.StartTime), 30 * DAY);
    });

    test('Coverage and MinCalls leave out the least used sources', async () => {
      const half = expectSuccess(await recommend({ AccessKeyId: t.alice.accessKeyId, Coverage: '50' }));
      assert.deepEqual(JSON.parse(half.AccessKeyPolicy).Statements, [
        { Type: 'ClassicWhiteList', IPList: ['203.0.113.5'] },
      ]);
      assert.equal(half.CoveredCalls, 3);
      assert.deepEqual(
        half.Uncovered.map((u: Record<string, unknown>) => [u.SourceIp, u.Reason]),
        [
          ['10.1.2.3', 'BeyondCoverage'],
          ['192.168.0.9', 'NotPublicAddress'],
          ['198.51.100.7', 'BeyondCoverage'],
        ],
      );
      const busy = expectSuccess(await recommend({ AccessKeyId: t.alice.accessKeyId, MinCalls: '2' }));
      assert.equal(busy.CoveredCalls, 3);
      assert.deepEqual(
        busy.Uncovered.map((u: Record<string, unknown>) => u.Reason),
        ['BelowMinCalls', 'BelowMinCalls', 'BelowMinCalls'],
      );
    });

    test('bad input: each refused with its code', async () => {
      const now = Date.now();
      const key = { AccessKeyId: t.alice.accessKeyId };
      const other = await t.store.write(async (tx) => {
        const account = await tx.createAccount();
        return tx.createAccessKey(account.accountId);
      });
      const refusals: [Record<string, string>, number, string][] = [
        [{ ...key, Coverage: '0' }, 400, 'InvalidParameter.Coverage'],
        [{ ...key, Coverage: '101' }, 400, 'InvalidParameter.Coverage'],
        [{ ...key, Coverage: '50%' }, 400, 'InvalidParameter.Coverage'],
        [{ ...key, MinCalls: '0' }, 400, 'InvalidParameter.MinCalls'],
        [{ ...key, MinCalls: '-1' }, 400, 'InvalidParameter.MinCalls'],
        [{ ...key, StartTime: '2026-01-01' }, 400, 'InvalidParameter.StartTime'],
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
        [
          { ...key, StartTime: format(now - 100 * DAY), EndTime: format(now - 95 * DAY) },
          400,
          'InvalidTimeRange.BeforeRetention',
        ],
        [{ AccessKeyId: 'LTAI5tNoSuchKeyNoSuchKey' }, 404, 'EntityNotExist.User.AccessKey'],
        [{ AccessKeyId: other.accessKeyId }, 404, 'EntityNotExist.User.AccessKey'],
        [{ AccessKeyId: 'STS.NUQNP4PiGyckMsNiGELCs0001' }, 400, 'InvalidParameter.AccessKeyId'],
      ];
      for (const [params, status, code] of refusals) expectError(await recommend(params), status, code);
    });

    test('a RAM user without keyfence:Recommend* is refused', async () => {
      const credentials = await createUserKey(t, 'reader');
      expectError(await recommend({}, credentials), 403, 'NoPermission');
    });

    test('for the account: only the keys without an Active policy of their own', async () => {
      // The root key's own calls (from 127.0.0.1) are left out: its key-level policy governs it.
      await t.sink.flush();
      const account = expectSuccess(await recommend({}));
      assert.deepEqual(JSON.parse(account.AccessKeyPolicy), ALICE_DRAFT);
      assert.equal(account.TotalCalls, 6);
      await t.setPolicy({ kind: 'accessKey', key: t.alice }, classic('203.0.113.0/24'));
      const none = expectSuccess(await recommend({}));
      assert.deepEqual(JSON.parse(none.AccessKeyPolicy), { Version: 1, Status: 'Inactive', Statements: [] });
      assert.deepEqual(none.Entries, []);
      assert.equal(none.TotalCalls, 0);
    });
  });

  describe(`RecommendAccessKeyPolicy's left-out sources on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);

    test('at most 1,000 listed, the heaviest, with how many there were', async () => {
      const key = await t.store.write(async (tx) => (await tx.createAccessKey(t.accountId)).accessKeyId);
      const sources = Array.from({ length: 1_005 }, (_, i) => ({
        sourceIp: `8.8.${i >> 8}.${i & 255}`,
        calls: 1 + (i % 7),
      }));
      const at = Math.floor((Date.now() - DAY) / 1000) * 1000;
      await t.store.appendAuditEvents(
        sources.map(({ sourceIp, calls }, i): NewAuditEvent => {
          const eventId = `RU${String(i).padStart(10, '0')}`;
          return {
            eventId,
            accountId: t.accountId,
            at: new Date(at),
            requestId: eventId,
            accessKeyId: key,
            userName: null,
            eventName: 'GetCallerIdentity',
            serviceName: null,
            eventRW: 'Read',
            sourceIp,
            errorCode: null,
            appliedVersion: null,
            document: JSON.stringify({
              eventId,
              sourceIpAddress: sourceIp,
              vpcId: null,
              errorCode: null,
              keyfence: { service: null, count: calls, lastTime: null },
            }),
          };
        }),
      );
      // Every source below MinCalls: all left out.
      const body = expectSuccess(await recommendFor(t, { AccessKeyId: key, MinCalls: '100' }));
      assert.equal(body.UncoveredCount, 1_005);
      assert.equal(body.UncoveredTruncated, true);
      const heaviest = [...sources]
        .map((s, i) => ({ ...s, i }))
        .sort((a, b) => b.calls - a.calls || a.i - b.i)
        .slice(0, 1_000);
      assert.deepEqual(
        body.Uncovered.map((u: Record<string, unknown>) => [u.SourceIp, u.Calls, u.Reason]),
        heaviest.map((s) => [s.sourceIp, s.calls, 'BelowMinCalls']),
      );

      // 143 sources with 7 calls each are let in: fewer than 1,000 are left out.
      const few = expectSuccess(await recommendFor(t, { AccessKeyId: key, MinCalls: '7' }));
      assert.ok(few.UncoveredCount <= 1_005 - 143);
      assert.equal(few.UncoveredTruncated, false);
      assert.equal(few.Uncovered.length, few.UncoveredCount);
    });
  });
}

function recommendFor(t: CheckServer, params: Record<string, string>): Promise<Reply> {
  return call(t.port, {
    action: 'RecommendAccessKeyPolicy',
    version: KEYFENCE_VERSION,
    credentials: t.root,
    params,
  });
}
