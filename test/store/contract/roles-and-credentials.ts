import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { AccountId, KeyFenceStore, RoleName, TemporaryAccessKeyId } from '../../../src/store/index.js';
import type { DialectFixture } from '../support/dialects.js';
import { newAccount, rawRows, rejectsWith, storeHarness } from '../support/store-harness.js';

const role = (name: string) => name as RoleName;

const trustPolicy = (accountId: string) =>
  JSON.stringify({
    Statement: [
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { RAM: [`acs:ram::${accountId}:root`] } },
    ],
    Version: '1',
  });

export function rolesAndCredentialsContract(fixture: DialectFixture): void {
  describe('RAM roles', () => {
    const harness = storeHarness(fixture);
    let store: KeyFenceStore;
    let accountId: AccountId;
    before(async () => {
      ({ store } = await harness.fresh());
      accountId = await newAccount(store);
    });

    test('are created with a trust policy, ID and lower-case ARN, and found case-insensitively', async () => {
      const created = await store.write((tx) =>
        tx.createRole(accountId, {
          roleName: role('Deployer'),
          assumeRolePolicyDocument: trustPolicy(accountId),
        }),
      );
      assert.equal(created.arn, `acs:ram::${accountId}:role/deployer`);
      assert.match(created.roleId, /^[1-9][0-9]{18}$/);
      assert.equal(created.maxSessionDuration, 3600);
      assert.equal(created.assumeRolePolicyDocument, trustPolicy(accountId));
      assert.deepEqual(await store.getRole(accountId, role('deployer')), created);
      await rejectsWith(
        store.write((tx) =>
          tx.createRole(accountId, {
            roleName: role('DEPLOYER'),
            assumeRolePolicyDocument: trustPolicy(accountId),
          }),
        ),
        'EntityAlreadyExists.Role',
      );
    });

    test('refuse malformed input', async () => {
      const attempt = (input: Parameters<KeyFenceStore['write']>[0]) => store.write(input);
      await rejectsWith(
        attempt((tx) =>
          tx.createRole(accountId, { roleName: role('r1'), assumeRolePolicyDocument: '{"Statement":' }),
        ),
        'InvalidParameter.AssumeRolePolicyDocument',
      );
      await rejectsWith(
        attempt((tx) => tx.createRole(accountId, { roleName: role('r1'), assumeRolePolicyDocument: '[]' })),
        'InvalidParameter.AssumeRolePolicyDocument',
      );
      await rejectsWith(
        attempt((tx) =>
          tx.createRole(accountId, {
            roleName: role('r1'),
            assumeRolePolicyDocument: trustPolicy(accountId),
            maxSessionDuration: 60,
          }),
        ),
        'InvalidParameter.MaxSessionDuration',
      );
      await rejectsWith(
        attempt((tx) => tx.createRole(accountId, { roleName: role('r 1'), assumeRolePolicyDocument: '{}' })),
        'InvalidParameter.RoleName',
      );
    });

    test('are listed, updated and deleted', async () => {
      const { store: own } = await harness.fresh();
      const id = await newAccount(own);
      for (const name of ['b', 'a']) {
        await own.write((tx) =>
          tx.createRole(id, { roleName: role(name), assumeRolePolicyDocument: trustPolicy(id) }),
        );
      }
      assert.deepEqual(
        (await own.listRoles(id)).map((r) => r.roleName),
        ['a', 'b'],
      );
      const updated = await own.write((tx) =>
        tx.updateRole(id, role('a'), { newDescription: 'admins', newMaxSessionDuration: 7200 }),
      );
      assert.equal(updated.description, 'admins');
      assert.equal((await own.getRole(id, role('a'))).maxSessionDuration, 7200);
      await own.write((tx) => tx.deleteRole(id, role('a')));
      await rejectsWith(own.getRole(id, role('a')), 'EntityNotExist.Role');
      await rejectsWith(
        own.write((tx) => tx.deleteRole(id, role('a'))),
        'EntityNotExist.Role',
      );
      await rejectsWith(
        own.write((tx) => tx.updateRole(id, role('a'), { newDescription: '' })),
        'EntityNotExist.Role',
      );
      const kinds = (await own.changesSince(0)).map((c) => c.kind);
      assert.deepEqual(kinds, [
        'account.created',
        'role.created',
        'role.created',
        'role.updated',
        'role.deleted',
      ]);
    });
  });

  describe('temporary credentials', () => {
    const harness = storeHarness(fixture);
    let now = new Date('2026-05-01T00:00:00Z');
    let store: KeyFenceStore;
    let accountId: AccountId;
    before(async () => {
      ({ store } = await harness.fresh({ clock: () => now }));
      accountId = await newAccount(store);
      await store.write((tx) =>
        tx.createRole(accountId, {
          roleName: role('ops'),
          assumeRolePolicyDocument: trustPolicy(accountId),
          maxSessionDuration: 7200,
        }),
      );
    });

    /** A credential of role `ops` (session `s1`) for `durationSeconds`. */
    const issue = (durationSeconds: number) =>
      store.write((tx) =>
        tx.issueTemporaryCredential(accountId, role('ops'), {
          roleSessionName: 's1',
          sourceIdentity: 'x',
          durationSeconds,
        }),
      );

    test('are issued with an STS. ID, a secret and a token, the secret and token shown once', async () => {
      const issued = await store.write((tx) =>
        tx.issueTemporaryCredential(accountId, role('OPS'), {
          roleSessionName: 'deploy@ci',
          sourceIdentity: 'LTAI5tCallerCallerCaller0',
          durationSeconds: 1800,
        }),
      );
      assert.match(issued.accessKeyId, /^STS\.[0-9A-Za-z]{25}$/);
      assert.match(issued.securityToken, /^CAIS/);
      assert.deepEqual(issued.expiration, new Date(now.getTime() + 1_800_000));
      assert.equal(issued.roleName, 'ops');
      const { accessKeySecret, securityToken, ...metadata } = issued;
      assert.deepEqual(await store.getTemporaryCredential(issued.accessKeyId), metadata);

      const signing = await store.revealCredentialForSigning(issued.accessKeyId);
      assert.ok(signing?.kind === 'temporary');
      assert.equal(signing.secret.reveal(), accessKeySecret);
      assert.ok(signing.matchesSecurityToken(securityToken));
      assert.ok(!signing.matchesSecurityToken(`${securityToken}x`));
      const [change] = await store.changesSince((await store.currentVersion()) - 1);
      assert.ok(change?.kind === 'credential.issued');
      assert.deepEqual(change.expiration, issued.expiration);
    });

    test('the secret and the token are not stored in the clear', async () => {
      const { store: own, config } = await harness.fresh();
      const id = await newAccount(own);
      await own.write((tx) =>
        tx.createRole(id, { roleName: role('r'), assumeRolePolicyDocument: trustPolicy(id) }),
      );
      const issued = await own.write((tx) =>
        tx.issueTemporaryCredential(id, role('r'), { roleSessionName: 's1', sourceIdentity: 'x' }),
      );
      const stored = JSON.stringify(await rawRows(config, 'select * from temporary_credentials'));
      assert.ok(!stored.includes(issued.accessKeySecret));
      assert.ok(!stored.includes(issued.securityToken));
    });

    test('durations are bounded by the role; the role must exist', async () => {
      await rejectsWith(issue(899), 'InvalidParameter.DurationSeconds');
      await rejectsWith(issue(7201), 'InvalidParameter.DurationSeconds');
      await issue(7200);
      await rejectsWith(
        store.write((tx) =>
          tx.issueTemporaryCredential(accountId, role('ops'), { roleSessionName: 'x', sourceIdentity: 'x' }),
        ),
        'InvalidParameter.RoleSessionName',
      );
      await rejectsWith(
        store.write((tx) =>
          tx.issueTemporaryCredential(accountId, role('nope'), {
            roleSessionName: 's1',
            sourceIdentity: 'x',
          }),
        ),
        'EntityNotExist.Role',
      );
      await rejectsWith(
        store.getTemporaryCredential('STS.NoSuchCredentialNoSuchCre' as TemporaryAccessKeyId),
        'EntityNotExist.TemporaryCredential',
      );
    });

    test('expired ones are purged; deleting the role revokes the rest', async () => {
      const short = await issue(900);
      const long = await issue(3600);
      now = new Date(now.getTime() + 1000 * 1000);
      assert.ok((await store.purgeExpiredTemporaryCredentials()) >= 1);
      await rejectsWith(
        store.getTemporaryCredential(short.accessKeyId),
        'EntityNotExist.TemporaryCredential',
      );
      assert.equal((await store.getTemporaryCredential(long.accessKeyId)).accessKeyId, long.accessKeyId);
      await store.write((tx) => tx.deleteRole(accountId, role('ops')));
      assert.equal(await store.revealCredentialForSigning(long.accessKeyId), undefined);
    });
  });
}
