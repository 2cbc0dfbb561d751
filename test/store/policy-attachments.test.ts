import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { AccountId, KeyFenceStore, PolicyType, UserName } from '../../src/store/index.js';
import { useDialects } from './support/dialects.js';
import { newAccount, rawRows, rejectsWith, storeHarness } from './support/store-harness.js';

const user = (name: string) => name as UserName;
const system = (policyName: string) => ({ policyType: 'System' as PolicyType, policyName });
const at = new Date('2026-03-04T05:06:07Z');

// User policy attachments (RAM's AttachPolicyToUser), against every database the store supports.
for (const fixture of useDialects()) {
  describe(`user policy attachments on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);
    let store: KeyFenceStore;
    let accountId: AccountId;
    before(async () => {
      ({ store } = await harness.fresh({ clock: () => at }));
      accountId = await newAccount(store);
    });

    const createUser = (name: string) =>
      store.write((tx) => tx.createUser(accountId, { userName: user(name) }));

    test('are attached, listed in name order and recorded in the change log', async () => {
      await createUser('alice');
      const before = await store.currentVersion();
      const attached = await store.write((tx) =>
        tx.attachPolicyToUser(accountId, user('alice'), system('AliyunRAMReadOnlyAccess')),
      );
      assert.deepEqual(attached, { ...system('AliyunRAMReadOnlyAccess'), attachedAt: at });
      await store.write((tx) =>
        tx.attachPolicyToUser(accountId, user('alice'), system('AdministratorAccess')),
      );
      assert.deepEqual(await store.listPoliciesForUser(accountId, user('alice')), [
        { ...system('AdministratorAccess'), attachedAt: at },
        { ...system('AliyunRAMReadOnlyAccess'), attachedAt: at },
      ]);
      const changes = await store.changesSince(before);
      assert.deepEqual(
        changes.map((c) => ({ ...c, at: c.at.getTime() })),
        [
          {
            version: before + 1,
            at: at.getTime(),
            accountId,
            kind: 'user.policy.attached',
            userName: 'alice',
            policyType: 'System',
            policyName: 'AliyunRAMReadOnlyAccess',
          },
          {
            version: before + 2,
            at: at.getTime(),
            accountId,
            kind: 'user.policy.attached',
            userName: 'alice',
            policyType: 'System',
            policyName: 'AdministratorAccess',
          },
        ],
      );
    });

    test('are attached once: a second attach is refused and writes nothing', async () => {
      await createUser('bob');
      await store.write((tx) => tx.attachPolicyToUser(accountId, user('bob'), system('AdministratorAccess')));
      const before = await store.currentVersion();
      await rejectsWith(
        store.write((tx) => tx.attachPolicyToUser(accountId, user('bob'), system('AdministratorAccess'))),
        'EntityAlreadyExists.User.Policy',
      );
      assert.equal(await store.currentVersion(), before);
      assert.equal((await store.listPoliciesForUser(accountId, user('bob'))).length, 1);
    });

    test('are detached, with a change record; detaching one not attached is refused', async () => {
      await createUser('carol');
      await store.write((tx) =>
        tx.attachPolicyToUser(accountId, user('carol'), system('AliyunRAMFullAccess')),
      );
      const before = await store.currentVersion();
      await store.write((tx) =>
        tx.detachPolicyFromUser(accountId, user('carol'), system('AliyunRAMFullAccess')),
      );
      assert.deepEqual(await store.listPoliciesForUser(accountId, user('carol')), []);
      const [change] = await store.changesSince(before);
      assert.equal(change?.kind, 'user.policy.detached');
      assert.ok(change.kind === 'user.policy.detached');
      assert.equal(change.userName, 'carol');
      assert.equal(change.policyName, 'AliyunRAMFullAccess');
      await rejectsWith(
        store.write((tx) => tx.detachPolicyFromUser(accountId, user('carol'), system('AliyunRAMFullAccess'))),
        'EntityNotExist.User.Policy',
      );
      assert.equal(await store.currentVersion(), before + 1);
    });

    test('need an existing user of the same account', async () => {
      const other = await newAccount(store);
      await store.write((tx) => tx.createUser(other, { userName: user('mallory') }));
      await store.write((tx) => tx.attachPolicyToUser(other, user('mallory'), system('AdministratorAccess')));
      await rejectsWith(store.listPoliciesForUser(accountId, user('mallory')), 'EntityNotExist.User');
      await rejectsWith(
        store.write((tx) => tx.attachPolicyToUser(accountId, user('mallory'), system('AdministratorAccess'))),
        'EntityNotExist.User',
      );
      await rejectsWith(
        store.write((tx) =>
          tx.detachPolicyFromUser(accountId, user('mallory'), system('AdministratorAccess')),
        ),
        'EntityNotExist.User',
      );
      assert.equal((await store.listPoliciesForUser(other, user('mallory'))).length, 1);
    });

    test('refuse a policy type other than System and a malformed name', async () => {
      await createUser('dave');
      await rejectsWith(
        store.write((tx) =>
          tx.attachPolicyToUser(accountId, user('dave'), {
            policyType: 'Custom' as PolicyType,
            policyName: 'AdministratorAccess',
          }),
        ),
        'InvalidParameter.PolicyType',
      );
      for (const name of ['', 'has space', 'x'.repeat(129), 'under_score']) {
        await rejectsWith(
          store.write((tx) => tx.attachPolicyToUser(accountId, user('dave'), system(name))),
          'InvalidParameter.PolicyName',
        );
      }
    });

    test('keep a user from being deleted until they are detached', async () => {
      await createUser('erin');
      await store.write((tx) =>
        tx.attachPolicyToUser(accountId, user('erin'), system('AdministratorAccess')),
      );
      await rejectsWith(
        store.write((tx) => tx.deleteUser(accountId, user('erin'))),
        'DeleteConflict.User.Policy',
      );
      assert.equal((await store.getUser(accountId, user('erin'))).userName, 'erin');
      await store.write((tx) =>
        tx.detachPolicyFromUser(accountId, user('erin'), system('AdministratorAccess')),
      );
      await store.write((tx) => tx.deleteUser(accountId, user('erin')));
      await rejectsWith(store.getUser(accountId, user('erin')), 'EntityNotExist.User');
    });

    test('follow a rename of their user', async () => {
      await createUser('frank');
      await store.write((tx) =>
        tx.attachPolicyToUser(accountId, user('frank'), system('AdministratorAccess')),
      );
      await store.write((tx) => tx.updateUser(accountId, user('frank'), { newUserName: user('francis') }));
      assert.deepEqual(
        (await store.listPoliciesForUser(accountId, user('francis'))).map((p) => p.policyName),
        ['AdministratorAccess'],
      );
      await rejectsWith(store.listPoliciesForUser(accountId, user('frank')), 'EntityNotExist.User');
    });

    test('live in a table created by migration 0002, applied once', async () => {
      const { store: fresh, config } = await harness.fresh();
      await harness.open(config);
      const applied = await rawRows(config, 'select name from keyfence_migrations order by name');
      assert.equal(applied.filter((row) => row.name === '0002-user-policy-attachments').length, 1);
      const id = await newAccount(fresh);
      await fresh.write((tx) => tx.createUser(id, { userName: user('gina') }));
      await fresh.write((tx) => tx.attachPolicyToUser(id, user('gina'), system('AliyunSTSAssumeRoleAccess')));
      const rows = await rawRows(
        config,
        'select account_id, user_name, policy_type, policy_name from user_policy_attachments',
      );
      assert.deepEqual(rows, [
        {
          account_id: id,
          user_name: 'gina',
          policy_type: 'System',
          policy_name: 'AliyunSTSAssumeRoleAccess',
        },
      ]);
    });
  });
}
