/**
 * SimulateAccessKeyPolicy's refusals, through a real server on SQLite and PostgreSQL: a malformed
 * candidate is refused exactly as SetAccessKeyPolicy and SetAccessKeyPolicyForAccount refuse it;
 * unknown keys, another account's, STS credentials and bad windows each with their code; and no
 * call, answered or refused, changes the store.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useDialects } from '../../store/support/dialects.js';
import { type Credentials, call, expectError, expectSuccess } from '../../support/server-harness.js';
import { classic, KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';

const IMS_VERSION = '2019-08-15';
const DAY = 86_400_000;
const format = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

const MALFORMED = [
  '',
  'not json',
  '{}',
  JSON.stringify({ Version: 2, Status: 'Active', Statements: [] }),
  JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [{ Type: 'ClassicWhiteList', IPList: ['300.1.1.1'] }],
  }),
  JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [
      {
        Type: 'ClassicWhiteList',
        IPList: Array.from({ length: 400 }, (_, i) => `10.0.${i >> 8}.${i & 255}`),
      },
    ],
  }),
];

for (const fixture of useDialects()) {
  describe(`SimulateAccessKeyPolicy refusals on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const other = await t.store.write(async (tx) => {
      const account = await tx.createAccount();
      return (await tx.createAccessKey(account.accountId)).accessKeyId;
    });
    const simulate = (params: Record<string, string>, credentials: Credentials = t.root) =>
      call(t.port, { action: 'SimulateAccessKeyPolicy', version: KEYFENCE_VERSION, credentials, params });
    const candidate = JSON.stringify(classic('203.0.113.0/24'));

    test('a malformed candidate is refused as the Set actions refuse it', async () => {
      const before = await t.store.currentVersion();
      for (const text of MALFORMED) {
        for (const [action, setParams, simulateParams] of [
          [
            'SetAccessKeyPolicy',
            { UserAccessKeyId: t.alice.accessKeyId },
            { AccessKeyId: t.alice.accessKeyId },
          ],
          ['SetAccessKeyPolicyForAccount', {}, {}],
        ] as const) {
          const params = { AccessKeyPolicy: text, ...setParams };
          const set = await call(t.port, { action, version: IMS_VERSION, credentials: t.root, params });
          const simulated = await simulate({ AccessKeyPolicy: text, ...simulateParams });
          assert.equal(simulated.status, set.status, `${action} ${text.slice(0, 40)}: ${simulated.text}`);
          const { RequestId: _a, HostId: _b, Recommend: _c, ...expected } = set.body;
          const { RequestId: _d, HostId: _e, Recommend: _f, ...actual } = simulated.body;
          assert.deepEqual(actual, expected);
        }
      }
      assert.equal(await t.store.currentVersion(), before);
    });

    test('unknown keys, another account’s and STS credentials are refused', async () => {
      const before = await t.store.currentVersion();
      expectError(
        await simulate({ AccessKeyPolicy: candidate, AccessKeyId: 'LTAI5tUnknownKey0000000' }),
        404,
        'EntityNotExist.User.AccessKey',
      );
      expectError(
        await simulate({ AccessKeyPolicy: candidate, AccessKeyId: other }),
        404,
        'EntityNotExist.User.AccessKey',
      );
      expectError(
        await simulate({ AccessKeyPolicy: candidate, AccessKeyId: 'STS.NUQNP4PiGyckMsNiGELCs0001' }),
        400,
        'InvalidParameter.AccessKeyId',
      );
      assert.equal(await t.store.currentVersion(), before);
    });

    test('a window out of bounds is refused', async () => {
      const now = Math.floor(Date.now() / 1000) * 1000;
      const window = (start: number, end: number) => ({
        AccessKeyPolicy: candidate,
        StartTime: format(start),
        EndTime: format(end),
      });
      expectError(await simulate(window(now, now - 2 * DAY)), 400, 'InvalidTimeRange.EndBeforeStart');
      expectError(await simulate(window(now - DAY / 2, now)), 400, 'InvalidTimeRange.Length');
      expectError(
        await simulate(window(now - 200 * DAY, now - 199 * DAY)),
        400,
        'InvalidTimeRange.BeforeRetention',
      );
      expectError(
        await simulate({ AccessKeyPolicy: candidate, StartTime: 'yesterday' }),
        400,
        'InvalidParameter.StartTime',
      );
    });

    test('a key-level candidate with no traffic: the key is affected and has none', async () => {
      const body = expectSuccess(
        await simulate({ AccessKeyPolicy: candidate, AccessKeyId: t.alice.accessKeyId }),
      );
      assert.equal(body.AffectedKeys, 1);
      assert.equal(body.KeysWithoutTraffic, 1);
      assert.deepEqual(body.Keys, []);
      assert.equal(body.Truncated, false);
      assert.equal(body.ScannedSources, 0);
      assert.match(body.Note, /STS/);
    });
  });
}
