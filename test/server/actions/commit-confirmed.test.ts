/**
 * Commit-confirmed policy changes (docs/server.md, "Commit-confirmed changes"), on SQLite and
 * PostgreSQL: a Set with AutoRevertSeconds is stored with its deadline; Keep
 * (ConfirmAccessKeyPolicyChange) or a call let in under the new version confirms it; past the
 * deadline (a clock moved forward) the node reverts it as an ordinary, audited change.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useDialects } from '../../store/support/dialects.js';
import { type Credentials, call, expectError, expectSuccess } from '../../support/server-harness.js';
import { until } from '../../support/until.js';
import { classic, KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';

const IMS = '2019-08-15';

/** The first defined value `read` answers, polled until then. */
async function eventually<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  let value: T | undefined;
  await until(async () => {
    value = await read();
    return value !== undefined;
  }, what);
  return value!;
}

for (const fixture of useDialects()) {
  describe(`commit-confirmed changes on ${fixture.name}`, async () => {
    let offsetMs = 0;
    const t = await startCheckServer(fixture, {
      now: () => new Date(Date.now() + offsetMs),
      sync: { keyUseFlushMs: 50, heartbeatMs: 100 },
    });
    const ims = (action: string, params: Record<string, string>, credentials: Credentials = t.root) =>
      call(t.port, { action, version: IMS, credentials, params });
    const confirm = (params: Record<string, string>) =>
      call(t.port, {
        action: 'ConfirmAccessKeyPolicyChange',
        version: KEYFENCE_VERSION,
        credentials: t.root,
        params,
      });
    const aliceOwner = {
      UserPrincipalName: `alice@${t.accountId}.onaliyun.com`,
      UserAccessKeyId: t.alice.accessKeyId,
    };

    test('AutoRevertSeconds is checked; Keep confirms, twice alike; another version is refused', async () => {
      for (const value of ['59', '3601', '', 'ten']) {
        expectError(
          await ims('SetAccessKeyPolicyForAccount', {
            AccessKeyPolicy: JSON.stringify(classic('127.0.0.1')),
            AutoRevertSeconds: value,
          }),
          400,
          'InvalidParameter.AutoRevertSeconds',
        );
      }
      const set = expectSuccess(
        await ims('SetAccessKeyPolicyForAccount', {
          AccessKeyPolicy: JSON.stringify(classic('127.0.0.1', '192.0.2.0/24')),
          AutoRevertSeconds: '600',
        }),
      );
      const deadline = Date.parse(set.AutoRevertAt);
      assert.ok(Math.abs(deadline - (Date.now() + 600_000)) < 10_000);
      const [change] = await t.store.changesSince(set.PolicyVersion - 1);
      assert.ok(
        change?.kind === 'policy.account.set' && change.autoRevertAt === deadline,
        JSON.stringify([change, deadline]),
      );
      const pending = expectSuccess(await ims('GetAccessKeyPolicyForAccount', {}));
      assert.equal(pending.AutoRevertAt, set.AutoRevertAt);
      const wrong = expectError(
        await confirm({ PolicyVersion: String(set.PolicyVersion - 1) }),
        409,
        'PolicyChangeNotPending',
      );
      assert.equal(wrong.CurrentPolicyVersion, set.PolicyVersion);
      expectError(await confirm({}), 400, 'MissingParameter.PolicyVersion');
      for (let i = 0; i < 2; i++) {
        assert.equal(
          expectSuccess(await confirm({ PolicyVersion: String(set.PolicyVersion) })).PolicyVersion,
          set.PolicyVersion,
        );
      }
      const kept = expectSuccess(await ims('GetAccessKeyPolicyForAccount', {}));
      assert.equal(kept.AutoRevertAt, undefined);
      assert.equal(kept.PolicyVersion, set.PolicyVersion, 'Keep changes no policy version');
    });

    test('a call let in under the new version confirms it, and is shown', async () => {
      const set = expectSuccess(
        await ims('SetAccessKeyPolicy', {
          ...aliceOwner,
          AccessKeyPolicy: JSON.stringify(classic('203.0.113.0/24')),
          AutoRevertSeconds: '600',
        }),
      );
      await until(async () => (await t.aliceFrom('203.0.113.9')).status === 200, 'alice is let in');
      // A denied call confirms nothing; an allowed one does.
      assert.equal((await t.aliceFrom('198.51.100.1')).status, 400);
      const confirmed = await eventually(async () => {
        const got = expectSuccess(await ims('GetAccessKeyPolicy', aliceOwner));
        return got.AutoRevertAt === undefined ? got : undefined;
      }, 'the change is confirmed by use');
      assert.equal(confirmed.PolicyVersion, set.PolicyVersion);
      assert.equal(confirmed.FirstAllowedCall.SourceIp, '203.0.113.9');
      assert.equal(confirmed.FirstAllowedCall.AccessKeyId, t.alice.accessKeyId);
      const confirmations = (await t.store.changesSince(set.PolicyVersion)).filter(
        (c) => c.kind === 'policy.confirmed',
      );
      assert.equal(confirmations.length, 1);
    });

    test('unconfirmed past its deadline, the change is reverted as an ordinary, audited change', async () => {
      const before = expectSuccess(
        await ims('SetAccessKeyPolicyForAccount', {
          AccessKeyPolicy: JSON.stringify(classic('127.0.0.1', '192.0.2.0/24')),
          EntryDescriptions: JSON.stringify([
            { StatementType: 'ClassicWhiteList', Entry: '192.0.2.0/24', Description: 'office' },
          ]),
        }),
      );
      const risky = expectSuccess(
        await ims('SetAccessKeyPolicyForAccount', {
          AccessKeyPolicy: JSON.stringify(classic('127.0.0.1')),
          EntryDescriptions: '[]',
          AutoRevertSeconds: '60',
        }),
      );
      offsetMs = 61_000;
      const reverted = await eventually(async () => {
        const got = expectSuccess(await ims('GetAccessKeyPolicyForAccount', {}));
        return got.PolicyVersion > risky.PolicyVersion ? got : undefined;
      }, 'the change is reverted');
      assert.equal(reverted.AccessKeyPolicy, before.AccessKeyPolicy);
      assert.equal(reverted.AutoRevertAt, undefined);
      const described = expectSuccess(
        await call(t.port, {
          action: 'GetAccessKeyPolicyDescriptions',
          version: KEYFENCE_VERSION,
          credentials: t.root,
          params: {},
        }),
      );
      assert.equal(described.Entries[0].Description, 'office');
      const history = await t.store.listPolicyHistory(
        { scope: 'account', accountId: t.accountId },
        { limit: 3 },
      );
      assert.deepEqual(
        history.map((h) => [h.version, h.actor === 'keyfence:auto-revert']),
        [
          [reverted.PolicyVersion, true],
          [risky.PolicyVersion, false],
          [before.PolicyVersion, false],
        ],
        'reverted once, by one node',
      );
      expectError(
        await confirm({ PolicyVersion: String(risky.PolicyVersion) }),
        409,
        'PolicyChangeNotPending',
      );
      const { events } = await t.store.lookupAuditEvents({
        accountId: t.accountId,
        from: new Date(Date.now() - 60_000),
        to: new Date(Date.now() + 120_000),
        filter: { eventName: 'SetAccessKeyPolicyForAccount', userName: 'keyfence:auto-revert' },
        order: 'newest-first',
        limit: 10,
      });
      assert.equal(events.length, 1);
      const event = JSON.parse(events[0]!.document);
      assert.deepEqual(event.keyfence.autoRevert, {
        revertedVersion: risky.PolicyVersion,
        policyVersion: reverted.PolicyVersion,
      });
      assert.ok(event.requestParameters.EntryDescriptions.includes('office'));
      offsetMs = 0;
    });
  });
}
