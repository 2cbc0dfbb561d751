/**
 * Entry descriptions and parked entries through the server (docs/server.md), on SQLite and
 * PostgreSQL: sent with the policy in one change, read with GetAccessKeyPolicyDescriptions, never
 * in GetAccessKeyPolicy*; kept for surviving entries by a Set without them; refused with stable
 * codes, changing nothing; carried by the change's audit event and the change log; restored with
 * the policy by a rollback.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { AccessKeyId } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import { type Credentials, call, expectError, expectSuccess } from '../../support/server-harness.js';
import { KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';

const IMS = '2019-08-15';

const document = (classic: readonly string[], vpc: readonly string[] = []) =>
  JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [
      ...(classic.length === 0 ? [] : [{ Type: 'ClassicWhiteList', IPList: classic }]),
      ...(vpc.length === 0 ? [] : [{ Type: 'VPCWhiteList', Value: 'vpc-aaa', IPList: vpc }]),
    ],
  });

const described = (entry: string, Description: string) => ({
  StatementType: 'ClassicWhiteList',
  Entry: entry,
  Description,
});

for (const fixture of useDialects()) {
  describe(`entry descriptions through the server on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const ims = (action: string, params: Record<string, string>, credentials: Credentials = t.root) =>
      call(t.port, { action, version: IMS, credentials, params });
    const descriptions = async (params: Record<string, string> = {}) =>
      expectSuccess(
        await call(t.port, {
          action: 'GetAccessKeyPolicyDescriptions',
          version: KEYFENCE_VERSION,
          credentials: t.root,
          params,
        }),
      );
    const setAccount = (AccessKeyPolicy: string, entries?: unknown) =>
      ims('SetAccessKeyPolicyForAccount', {
        AccessKeyPolicy,
        ...(entries === undefined ? {} : { EntryDescriptions: JSON.stringify(entries) }),
      });

    test('document and descriptions are one change; the document never shows them', async () => {
      const before = await t.store.currentVersion();
      const set = expectSuccess(
        await setAccount(document(['192.0.2.0/24', '127.0.0.1'], ['10.0.0.0/8']), [
          described('192.0.2.7/24', 'office'),
          {
            StatementType: 'ClassicWhiteList',
            Entry: '198.51.100.0/24',
            Parked: true,
            Description: 'old VPN',
          },
          { StatementType: 'VPCWhiteList', VpcId: 'vpc-aaa', Entry: '10.0.0.0/8', Description: 'build VPC' },
        ]),
      );
      assert.equal(set.PolicyVersion, before + 1, 'one change, one version');
      const got = expectSuccess(await ims('GetAccessKeyPolicyForAccount', {}));
      assert.equal(got.AccessKeyPolicy, document(['192.0.2.0/24', '127.0.0.1'], ['10.0.0.0/8']));
      for (const word of ['office', 'old VPN', '198.51.100.0'])
        assert.ok(!JSON.stringify(got).includes(word));
      const { RequestId: _, ...answer } = await descriptions();
      assert.deepEqual(answer, {
        PolicyVersion: set.PolicyVersion,
        Entries: [
          { StatementType: 'ClassicWhiteList', Entry: '192.0.2.0/24', Description: 'office', Parked: false },
          {
            StatementType: 'ClassicWhiteList',
            Entry: '198.51.100.0/24',
            Description: 'old VPN',
            Parked: true,
          },
          {
            StatementType: 'VPCWhiteList',
            VpcId: 'vpc-aaa',
            Entry: '10.0.0.0/8',
            Description: 'build VPC',
            Parked: false,
          },
        ],
      });
      const [change] = await t.store.changesSince(before);
      assert.ok(change?.kind === 'policy.account.set' && change.entryMetadata?.includes('old VPN'));
      // The change's audit event carries the parameter: the policy's history shows the descriptions.
      const { events } = await t.store.lookupAuditEvents({
        accountId: t.accountId,
        from: new Date(Date.now() - 60_000),
        to: new Date(Date.now() + 60_000),
        filter: { eventName: 'SetAccessKeyPolicyForAccount', failed: false },
        order: 'newest-first',
        limit: 1,
      });
      const event = JSON.parse(events[0]!.document);
      assert.ok(event.requestParameters.EntryDescriptions.includes('old VPN'));
    });

    test('a Set without them keeps the survivors’ descriptions and the parked entries, in the same change', async () => {
      expectSuccess(
        await setAccount(document(['192.0.2.0/24', '203.0.113.0/24', '127.0.0.1']), [
          described('192.0.2.0/24', 'office'),
          described('203.0.113.0/24', 'CI'),
          { StatementType: 'ClassicWhiteList', Entry: '198.51.100.0/24', Parked: true },
        ]),
      );
      const sdk = expectSuccess(await setAccount(document(['203.0.113.0/24', '127.0.0.1'])));
      const after = await descriptions();
      assert.equal(after.PolicyVersion, sdk.PolicyVersion);
      assert.deepEqual(
        after.Entries.map((e: { Entry: string; Parked: boolean }) => [e.Entry, e.Parked]),
        [
          ['198.51.100.0/24', true],
          ['203.0.113.0/24', false],
        ],
      );
      // Re-enabling a parked entry from an SDK: it is in the document now, so no longer parked.
      expectSuccess(await setAccount(document(['198.51.100.0/24', '127.0.0.1'])));
      assert.deepEqual((await descriptions()).Entries, []);
      // `[]` clears them.
      expectSuccess(await setAccount(document(['127.0.0.1']), [described('127.0.0.1', 'me')]));
      expectSuccess(await setAccount(document(['127.0.0.1']), []));
      assert.deepEqual((await descriptions()).Entries, []);
    });

    test('refusals have stable codes and change nothing', async () => {
      expectSuccess(
        await setAccount(document(['192.0.2.0/24', '127.0.0.1']), [described('192.0.2.0/24', 'kept')]),
      );
      const version = await t.store.currentVersion();
      const cases: Array<[unknown, string]> = [
        ['not an array', 'InvalidEntryDescriptions.Malformed'],
        [[described('127.1', 'x')], 'InvalidEntryDescriptions.Entry'],
        [[described('192.0.2.0/24', 'x'.repeat(300))], 'InvalidEntryDescriptions.Description'],
        [
          [described('192.0.2.0/24', 'a'), described('192.0.2.1/24', 'b')],
          'InvalidEntryDescriptions.Duplicate',
        ],
        [[described('203.0.113.9', 'x')], 'InvalidEntryDescriptions.NotInPolicy'],
        [
          [{ StatementType: 'ClassicWhiteList', Entry: '192.0.2.0/24', Parked: true }],
          'InvalidEntryDescriptions.ParkedInPolicy',
        ],
      ];
      for (const [entries, code] of cases) {
        const body = expectError(
          await setAccount(document(['192.0.2.0/24', '127.0.0.1']), entries),
          400,
          code,
        );
        assert.match(body.Message, /EntryDescriptions/);
      }
      expectError(
        await ims('SetAccessKeyPolicyForAccount', {
          AccessKeyPolicy: document(['127.0.0.1']),
          EntryDescriptions: '',
        }),
        400,
        'InvalidEntryDescriptions.Malformed',
      );
      assert.equal(await t.store.currentVersion(), version);
      assert.equal((await descriptions()).Entries[0].Description, 'kept');
    });

    test('a key’s descriptions by UserAccessKeyId; a rollback restores them with the document', async () => {
      const key = t.alice.accessKeyId;
      const owner = { UserPrincipalName: `alice@${t.accountId}.onaliyun.com` };
      const v1 = expectSuccess(
        await ims('SetAccessKeyPolicy', {
          ...owner,
          UserAccessKeyId: key,
          AccessKeyPolicy: document(['192.0.2.0/24']),
          EntryDescriptions: JSON.stringify([described('192.0.2.0/24', 'first')]),
        }),
      ).PolicyVersion;
      expectSuccess(
        await ims('SetAccessKeyPolicy', {
          ...owner,
          UserAccessKeyId: key,
          AccessKeyPolicy: document(['203.0.113.0/24']),
          EntryDescriptions: '[]',
        }),
      );
      assert.deepEqual((await descriptions({ UserAccessKeyId: key })).Entries, []);
      expectSuccess(await ims('GetAccessKeyPolicy', { ...owner, UserAccessKeyId: key }));
      const scope = { scope: 'accessKey', accountId: t.accountId, accessKeyId: key as AccessKeyId } as const;
      await t.store.write((tx) => tx.rollbackPolicy(scope, v1, { actor: 'test' }));
      const restored = await descriptions({ UserAccessKeyId: key });
      assert.equal(restored.AccessKeyId, key);
      assert.deepEqual(
        restored.Entries.map((e: { Description: string }) => e.Description),
        ['first'],
      );
      const [latest] = await t.store.listPolicyHistory(scope, { limit: 1 });
      assert.equal(latest!.entryMetadataBefore, null);
      assert.ok(latest!.entryMetadataAfter?.includes('first'));
      expectError(
        await call(t.port, {
          action: 'GetAccessKeyPolicyDescriptions',
          version: KEYFENCE_VERSION,
          credentials: t.root,
          params: { UserAccessKeyId: 'LTAIunknownKeyUnknown001' },
        }),
        404,
        'EntityNotExist.User.AccessKey',
      );
    });

    test('property: an SDK Set keeps exactly the descriptions of the entries that survive', async () => {
      const pool = Array.from({ length: 8 }, (_, i) => `198.51.100.${i * 16}/28`);
      await fc.assert(
        fc.asyncProperty(
          fc.subarray(pool, { minLength: 1 }),
          fc.subarray(pool, { minLength: 1 }),
          async (first, survivors) => {
            const firstDoc = [...first, '127.0.0.1'];
            expectSuccess(
              await setAccount(
                document(firstDoc),
                first.map((e) => described(e, `about ${e}`)),
              ),
            );
            expectSuccess(await setAccount(document([...survivors, '127.0.0.1'])));
            const kept = (await descriptions()).Entries.map((e: { Entry: string; Description: string }) => {
              assert.equal(e.Description, `about ${e.Entry}`);
              return e.Entry;
            });
            assert.deepEqual(kept, first.filter((e) => survivors.includes(e)).sort());
          },
        ),
        { numRuns: 15 },
      );
    });
  });
}
