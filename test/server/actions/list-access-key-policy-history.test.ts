/**
 * ListAccessKeyPolicyHistory through the server (docs/server.md), on SQLite and PostgreSQL: every
 * change of a scope newest first, with who, when, the documents and entry descriptions before and
 * after, the version a rollback restored; paged by MaxResults and NextToken; a key's by
 * UserAccessKeyId; allowed by the read-only system policy; refusals with stable codes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AccessKeyId, UserName } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import { type Credentials, call, expectError, expectSuccess } from '../../support/server-harness.js';
import { KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';

const IMS = '2019-08-15';

const document = (...entries: string[]) =>
  JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [{ Type: 'ClassicWhiteList', IPList: [...entries, '127.0.0.1'] }],
  });

interface Version {
  PolicyVersion: number;
  ChangedAt: string;
  ChangedBy: string;
  AccessKeyPolicy?: string;
  PreviousAccessKeyPolicy?: string;
  RolledBackTo?: number;
  EntryDescriptions: { Entry: string; Description?: string; Parked: boolean }[];
  PreviousEntryDescriptions: { Entry: string; Description?: string; Parked: boolean }[];
}

for (const fixture of useDialects()) {
  describe(`ListAccessKeyPolicyHistory on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const ims = (action: string, params: Record<string, string>) =>
      call(t.port, { action, version: IMS, credentials: t.root, params });
    const history = (params: Record<string, string> = {}, credentials: Credentials = t.root) =>
      call(t.port, { action: 'ListAccessKeyPolicyHistory', version: KEYFENCE_VERSION, credentials, params });

    test('each change of the account newest first: who, when, before and after, descriptions', async () => {
      const started = Date.now();
      const v1 = expectSuccess(
        await ims('SetAccessKeyPolicyForAccount', {
          AccessKeyPolicy: document('192.0.2.0/24'),
          EntryDescriptions: JSON.stringify([
            { StatementType: 'ClassicWhiteList', Entry: '192.0.2.0/24', Description: 'office' },
          ]),
        }),
      ).PolicyVersion;
      const v2 = expectSuccess(
        await ims('SetAccessKeyPolicyForAccount', { AccessKeyPolicy: document('203.0.113.0/24') }),
      ).PolicyVersion;
      const body = expectSuccess(await history());
      assert.equal(body.NextToken, '');
      assert.equal(body.AccessKeyId, undefined);
      const [second, first] = body.Versions as Version[];
      assert.equal(body.Versions.length, 2);
      assert.equal(second!.PolicyVersion, v2);
      assert.equal(second!.AccessKeyPolicy, document('203.0.113.0/24'));
      assert.equal(second!.PreviousAccessKeyPolicy, document('192.0.2.0/24'));
      assert.deepEqual(second!.EntryDescriptions, [], 'the SDK-style Set dropped the gone entry’s');
      assert.deepEqual(second!.PreviousEntryDescriptions, [
        { StatementType: 'ClassicWhiteList', Entry: '192.0.2.0/24', Description: 'office', Parked: false },
      ]);
      assert.equal(first!.PolicyVersion, v1);
      assert.equal(first!.PreviousAccessKeyPolicy, undefined, 'nothing before the first');
      assert.equal(first!.EntryDescriptions[0]!.Description, 'office');
      assert.equal(first!.RolledBackTo, undefined);
      assert.match(first!.ChangedBy, new RegExp(`acs:ram::${t.accountId}:root \\(${t.root.accessKeyId}\\)`));
      assert.match(first!.ChangedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(Date.parse(first!.ChangedAt) >= Math.floor(started / 1000) * 1000);

      const scope = { scope: 'account', accountId: t.accountId } as const;
      await t.store.write((tx) => tx.rollbackPolicy(scope, v1, { actor: 'restorer' }));
      const [restored] = expectSuccess(await history({ MaxResults: '1' })).Versions as Version[];
      assert.equal(restored!.RolledBackTo, v1);
      assert.equal(restored!.ChangedBy, 'restorer');
      assert.equal(restored!.AccessKeyPolicy, document('192.0.2.0/24'));
      assert.equal(restored!.EntryDescriptions[0]!.Description, 'office', 'restored with the document');
    });

    test('pages by MaxResults (default 20) and NextToken, without gaps or repeats', async () => {
      for (let i = 0; i < 22; i++) {
        expectSuccess(
          await ims('SetAccessKeyPolicyForAccount', { AccessKeyPolicy: document(`198.51.100.${i}`) }),
        );
      }
      const all = (await t.store.listPolicyHistory({ scope: 'account', accountId: t.accountId })).map(
        (c) => c.version,
      );
      const first = expectSuccess(await history());
      assert.equal(first.Versions.length, 20);
      assert.notEqual(first.NextToken, '');
      const seen: number[] = first.Versions.map((v: Version) => v.PolicyVersion);
      let token: string = first.NextToken;
      while (token !== '') {
        const page = expectSuccess(await history({ MaxResults: '4', NextToken: token }));
        assert.ok(page.Versions.length <= 4);
        seen.push(...page.Versions.map((v: Version) => v.PolicyVersion));
        token = page.NextToken;
      }
      assert.deepEqual(seen, all);
    });

    test('a key’s history by UserAccessKeyId; its changes are not the account’s', async () => {
      const key = t.alice.accessKeyId;
      const owner = { UserPrincipalName: `alice@${t.accountId}.onaliyun.com` };
      const set = expectSuccess(
        await ims('SetAccessKeyPolicy', {
          ...owner,
          UserAccessKeyId: key,
          AccessKeyPolicy: document('10.1.0.0/16'),
        }),
      ).PolicyVersion;
      const body = expectSuccess(await history({ UserAccessKeyId: key }));
      assert.equal(body.AccessKeyId, key);
      assert.deepEqual(
        body.Versions.map((v: Version) => v.PolicyVersion),
        [set],
      );
      const account = expectSuccess(await history({ MaxResults: '100' }));
      assert.ok(!account.Versions.some((v: Version) => v.PolicyVersion === set));
    });

    test('a RAM user with AliyunRAMReadOnlyAccess may read it; without a policy, NoPermission', async () => {
      const denied = expectError(await history({}, t.alice), 403, 'NoPermission');
      assert.equal(denied.AccessDeniedDetail.AuthAction, 'keyfence:ListAccessKeyPolicyHistory');
      await t.store.write((tx) =>
        tx.attachPolicyToUser(t.accountId, 'alice' as UserName, {
          policyType: 'System',
          policyName: 'AliyunRAMReadOnlyAccess',
        }),
      );
      await t.setPolicy({ kind: 'account' }, JSON.parse(document()));
      expectSuccess(await history({ MaxResults: '1' }, t.alice));
    });

    test('refusals: MaxResults out of range, a NextToken not issued, a key not the account’s', async () => {
      for (const MaxResults of ['0', '101', 'x']) {
        expectError(await history({ MaxResults }), 400, 'InvalidParameter.MaxResults');
      }
      for (const NextToken of ['abc', '0', '-1', '1.5']) {
        expectError(await history({ NextToken }), 400, 'InvalidParameter.NextToken');
      }
      expectError(
        await history({ UserAccessKeyId: 'LTAI5tNoSuchKey000000000' as AccessKeyId }),
        404,
        'EntityNotExist.User.AccessKey',
      );
    });
  });
}
