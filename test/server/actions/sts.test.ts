import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as sts from '@alicloud/sts20150401';
import type { Caller } from '../../../src/request/caller.js';
import { createRole } from '../../../src/server/actions/ram/create-role.js';
import { assumeRole } from '../../../src/server/actions/sts/assume-role.js';
import { getCallerIdentity } from '../../../src/server/actions/sts/get-caller-identity.js';
import type {
  AccountId,
  KeyFenceStore,
  RoleId,
  RoleName,
  TemporaryAccessKeyId,
  UserName,
} from '../../../src/store/index.js';
import {
  call,
  fakeContext,
  newRamUser,
  newTenant,
  type RamUserCaller,
  type RootCaller,
  refusedWith,
  sdkBody,
  useTestStores,
} from './support/action-harness.js';

describe('STS actions', () => {
  const openTestStore = useTestStores();
  let store: KeyFenceStore;
  let accountId: AccountId;
  let root: RootCaller;
  let alice: RamUserCaller;
  let bob: RamUserCaller;
  const roleArn = (name: string, account: string = accountId) => `acs:ram::${account}:role/${name}`;

  const newRole = (name: string, statements: unknown[], maxSessionDuration = '3600') =>
    call(store, createRole, root, {
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: statements }),
      MaxSessionDuration: maxSessionDuration,
    });
  const allow = (principal: string, extra: Record<string, unknown> = {}) => ({
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Principal: { RAM: [principal] },
    ...extra,
  });

  before(async () => {
    store = await openTestStore();
    ({ accountId, root } = await newTenant(store));
    alice = await newRamUser(store, accountId, 'alice');
    bob = await newRamUser(store, accountId, 'bob');
    const rootArn = `acs:ram::${accountId}:root`;
    const aliceArn = `acs:ram::${accountId}:user/alice`;
    await newRole('AccountRole', [allow(rootArn)], '7200');
    await newRole('AliceOnly', [allow(aliceArn)]);
    await newRole('NotAlice', [allow(rootArn), { ...allow(aliceArn), Effect: 'Deny' }]);
    await newRole('WithExternalId', [
      allow(rootArn, { Condition: { StringEquals: { 'sts:ExternalId': 'abc-123' } } }),
    ]);
  });

  describe('AssumeRole', () => {
    test('issues temporary credentials, answering as the STS SDK model reads it', async () => {
      const fake = fakeContext(store, alice, {
        RoleArn: roleArn('accountrole'),
        RoleSessionName: 'alice.session',
      });
      const body = await assumeRole.handle(fake.context);
      assert.equal(fake.changedCalls, 1);
      const role = await store.getRole(accountId, 'AccountRole' as RoleName);
      const sdk = sdkBody(body, sts.AssumeRoleResponse);
      const credentials = sdk.credentials!;
      assert.match(credentials.accessKeyId ?? '', /^STS\.[0-9A-Za-z]+$/);
      assert.ok((credentials.accessKeySecret ?? '').length > 0);
      assert.ok((credentials.securityToken ?? '').length > 0);
      assert.equal(credentials.expiration, '2026-05-06T08:08:09Z');
      assert.equal(sdk.assumedRoleUser?.arn, `acs:ram::${accountId}:role/accountrole/alice.session`);
      assert.equal(sdk.assumedRoleUser?.assumedRoleId, `${role.roleId}:alice.session`);

      const stored = await store.getTemporaryCredential(credentials.accessKeyId as TemporaryAccessKeyId);
      assert.equal(stored.roleName, 'AccountRole');
      assert.equal(stored.roleSessionName, 'alice.session');
      assert.equal(stored.sourceIdentity, `acs:ram::${accountId}:user/alice (${alice.accessKeyId})`);
      const signing = await store.revealCredentialForSigning(credentials.accessKeyId!);
      assert.ok(signing?.kind === 'temporary' && signing.matchesSecurityToken(credentials.securityToken!));
    });

    test('grants DurationSeconds from 900 up to the role’s maximum', async () => {
      const base = { RoleArn: roleArn('accountrole'), RoleSessionName: 'dur' };
      for (const [seconds, expiry] of [
        ['900', '2026-05-06T07:23:09Z'],
        ['7200', '2026-05-06T09:08:09Z'],
      ] as const) {
        const body = await call(store, assumeRole, root, { ...base, DurationSeconds: seconds });
        assert.equal((body.Credentials as { Expiration: string }).Expiration, expiry);
      }
      for (const seconds of ['899', '7201', '43201', 'abc']) {
        await refusedWith(
          call(store, assumeRole, root, { ...base, DurationSeconds: seconds }),
          'InvalidParameter.DurationSeconds',
          400,
        );
      }
    });

    test('follows the trust policy: the account root, a named user, a Deny', async () => {
      const assume = (caller: Caller, role: string) =>
        call(store, assumeRole, caller, { RoleArn: roleArn(role), RoleSessionName: 'trust' });
      await assume(root, 'accountrole');
      await assume(bob, 'accountrole');
      await assume(alice, 'aliceonly');
      await refusedWith(assume(bob, 'aliceonly'), 'NoPermission', 403);
      await refusedWith(assume(root, 'aliceonly'), 'NoPermission', 403);
      await assume(bob, 'notalice');
      await refusedWith(assume(alice, 'notalice'), 'NoPermission', 403);
    });

    test('checks sts:ExternalId when the trust policy asks for it', async () => {
      const params = { RoleArn: roleArn('withexternalid'), RoleSessionName: 'ext' };
      await call(store, assumeRole, root, { ...params, ExternalId: 'abc-123' });
      await refusedWith(
        call(store, assumeRole, root, { ...params, ExternalId: 'abc-124' }),
        'NoPermission',
        403,
      );
      await refusedWith(call(store, assumeRole, root, params), 'NoPermission', 403);
      await refusedWith(
        call(store, assumeRole, root, { ...params, ExternalId: 'has space' }),
        'InvalidParameter.ExternalId',
        400,
      );
    });

    test('an assumed role cannot assume a role', async () => {
      const session: Caller = {
        type: 'assumed-role',
        accountId,
        accessKeyId: 'STS.0123456789abcdefABCDEF' as TemporaryAccessKeyId,
        roleName: 'AccountRole' as RoleName,
        roleId: '3001' as RoleId,
        roleSessionName: 'chain',
      };
      await refusedWith(
        call(store, assumeRole, session, { RoleArn: roleArn('accountrole'), RoleSessionName: 'again' }),
        'NoPermission',
        403,
      );
    });

    test('answers for roles of other accounts as for roles that do not exist', async () => {
      const other = await newTenant(store);
      const params = { RoleArn: roleArn('accountrole'), RoleSessionName: 'x1' };
      await refusedWith(call(store, assumeRole, other.root, params), 'EntityNotExist.Role', 404);
      await refusedWith(
        call(store, assumeRole, root, { RoleArn: roleArn('nosuchrole'), RoleSessionName: 'x1' }),
        'EntityNotExist.Role',
        404,
      );
    });

    test('validates RoleArn, RoleSessionName and refuses session policies', async () => {
      const cases: [Record<string, string>, string][] = [
        [{ RoleSessionName: 'ok' }, 'MissingParameter.RoleArn'],
        [{ RoleArn: roleArn('accountrole') }, 'MissingParameter.RoleSessionName'],
        [{ RoleArn: 'accountrole', RoleSessionName: 'ok' }, 'InvalidParameter.RoleArn'],
        [{ RoleArn: `acs:ram::${accountId}:user/alice`, RoleSessionName: 'ok' }, 'InvalidParameter.RoleArn'],
        [{ RoleArn: roleArn('bad name'), RoleSessionName: 'ok' }, 'InvalidParameter.RoleArn'],
        [{ RoleArn: roleArn('accountrole'), RoleSessionName: 'x' }, 'InvalidParameter.RoleSessionName'],
        [
          { RoleArn: roleArn('accountrole'), RoleSessionName: 's'.repeat(65) },
          'InvalidParameter.RoleSessionName',
        ],
        [{ RoleArn: roleArn('accountrole'), RoleSessionName: 'a/b' }, 'InvalidParameter.RoleSessionName'],
        [
          { RoleArn: roleArn('accountrole'), RoleSessionName: 'ok', Policy: '{"Statement":[]}' },
          'InvalidParameter.Policy',
        ],
      ];
      for (const [params, code] of cases) await refusedWith(call(store, assumeRole, root, params), code, 400);
    });
  });

  describe('GetCallerIdentity', () => {
    test('needs no RAM action', () => {
      assert.equal(getCallerIdentity.ramAction, null);
    });

    test('describes the root identity', async () => {
      const sdk = sdkBody(await call(store, getCallerIdentity, root), sts.GetCallerIdentityResponse);
      assert.deepEqual(
        [sdk.accountId, sdk.userId, sdk.principalId, sdk.arn, sdk.identityType],
        [accountId, accountId, accountId, `acs:ram::${accountId}:root`, 'Account'],
      );
    });

    test('describes a RAM user', async () => {
      const body = await call(store, getCallerIdentity, alice);
      const userId = (await store.getUser(accountId, 'alice' as UserName)).userId;
      assert.deepEqual(body, {
        AccountId: accountId,
        UserId: userId,
        PrincipalId: userId,
        Arn: `acs:ram::${accountId}:user/alice`,
        IdentityType: 'RAMUser',
        AccessKeyId: alice.accessKeyId,
      });
    });

    test('describes an assumed role session', async () => {
      const issued = await call(store, assumeRole, root, {
        RoleArn: roleArn('accountrole'),
        RoleSessionName: 'who',
      });
      const role = await store.getRole(accountId, 'AccountRole' as RoleName);
      const session: Caller = {
        type: 'assumed-role',
        accountId,
        accessKeyId: (issued.Credentials as { AccessKeyId: TemporaryAccessKeyId }).AccessKeyId,
        roleName: 'AccountRole' as RoleName,
        roleId: role.roleId,
        roleSessionName: 'who',
      };
      const sdk = sdkBody(await call(store, getCallerIdentity, session), sts.GetCallerIdentityResponse);
      assert.deepEqual(
        [sdk.accountId, sdk.roleId, sdk.principalId, sdk.arn, sdk.identityType],
        [
          accountId,
          role.roleId,
          `${role.roleId}:who`,
          `acs:ram::${accountId}:assumed-role/accountrole/who`,
          'AssumedRoleUser',
        ],
      );
    });
  });
});
