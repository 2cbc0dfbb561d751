import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  type AccessKeyId,
  type AccountId,
  type KeyFenceStore,
  MasterKey,
  openStore,
  type UserName,
} from '../../../src/store/index.js';
import type { DialectFixture } from '../support/dialects.js';
import { newAccount, rawRows, rejectsWith, storeHarness } from '../support/store-harness.js';

const user = (name: string) => name as UserName;

export function accessKeysContract(fixture: DialectFixture): void {
  describe('AccessKeys', () => {
    const harness = storeHarness(fixture);
    let store: KeyFenceStore;
    let accountId: AccountId;
    before(async () => {
      ({ store } = await harness.fresh());
      accountId = await newAccount(store);
      await store.write((tx) => tx.createUser(accountId, { userName: user('alice') }));
    });

    test('have Alibaba-shaped IDs and secrets, shown once at creation', async () => {
      const key = await store.write((tx) => tx.createAccessKey(accountId));
      assert.match(key.accessKeyId, /^LTAI[0-9A-Za-z]{20}$/);
      assert.match(key.accessKeySecret, /^[0-9A-Za-z]{30}$/);
      assert.equal(key.status, 'Active');
      assert.equal(key.userName, null);
      assert.equal(key.lastUsed, null);
      const read = await store.getAccessKey(accountId, key.accessKeyId);
      const listed = await store.listAccessKeys(accountId);
      for (const seen of [read, ...listed]) {
        assert.equal('accessKeySecret' in seen, false);
        assert.ok(!JSON.stringify(seen).includes(key.accessKeySecret));
      }
      const { accessKeySecret: _secret, ...withoutSecret } = key;
      assert.deepEqual(read, withoutSecret);
    });

    test('secrets are stored encrypted and revealed only for signing', async () => {
      const { store: own, config } = await harness.fresh();
      const id = await newAccount(own);
      const key = await own.write((tx) => tx.createAccessKey(id));
      const rows = await rawRows(config, 'select * from access_keys');
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(key.accessKeySecret));
      assert.match(String(rows[0]!.sealed_secret), /^v1\./);

      const credential = await own.revealCredentialForSigning(key.accessKeyId);
      assert.ok(credential?.kind === 'permanent');
      assert.equal(credential.secret.reveal(), key.accessKeySecret);
      assert.ok(credential.secret.matches(key.accessKeySecret));
      assert.ok(!credential.secret.matches(`${key.accessKeySecret}x`));
      for (const shown of [JSON.stringify(credential), inspect(credential), String(credential.secret)]) {
        assert.ok(!shown.includes(key.accessKeySecret), shown);
      }
      assert.equal(await own.revealCredentialForSigning('LTAI5tNoSuchKeyNoSuchKey00'), undefined);
      assert.equal(await own.revealCredentialForSigning("'; drop table access_keys; --"), undefined);
    });

    test('the master key is required for secrets and must not change', async () => {
      const { store: own, config } = await harness.fresh();
      const id = await newAccount(own);
      const key = await own.write((tx) => tx.createAccessKey(id));
      await rejectsWith(openStore({ ...config, masterKey: MasterKey.generate() }), 'MasterKey.Mismatch');
      const keyless = await harness.open(config, { masterKey: undefined });
      assert.equal((await keyless.getAccessKey(id, key.accessKeyId)).accessKeyId, key.accessKeyId);
      await rejectsWith(
        keyless.write((tx) => tx.createAccessKey(id)),
        'MasterKey.Missing',
      );
      await rejectsWith(keyless.revealCredentialForSigning(key.accessKeyId), 'MasterKey.Missing');
    });

    test('a RAM user has at most two', async () => {
      const first = await store.write((tx) => tx.createAccessKey(accountId, { userName: user('alice') }));
      await store.write((tx) => tx.createAccessKey(accountId, { userName: user('alice') }));
      const version = await store.currentVersion();
      await rejectsWith(
        store.write((tx) => tx.createAccessKey(accountId, { userName: user('alice') })),
        'LimitExceeded.User.AccessKey',
      );
      assert.equal(await store.currentVersion(), version);
      assert.equal((await store.listAccessKeys(accountId, { owner: user('alice') })).length, 2);
      // An inactive key still counts; a deleted one frees its place.
      await store.write((tx) => tx.updateAccessKey(accountId, first.accessKeyId, { status: 'Inactive' }));
      await rejectsWith(
        store.write((tx) => tx.createAccessKey(accountId, { userName: user('alice') })),
        'LimitExceeded.User.AccessKey',
      );
      await store.write((tx) => tx.deleteAccessKey(accountId, first.accessKeyId, { actor: 'test' }));
      await store.write((tx) => tx.createAccessKey(accountId, { userName: user('alice') }));
    });

    test('the per-user limit is configurable; root keys have none', async () => {
      const { store: own } = await harness.fresh({ maxAccessKeysPerUser: 3 });
      const id = await newAccount(own);
      await own.write((tx) => tx.createUser(id, { userName: user('bob') }));
      const requests = Array.from({ length: 3 }, () => ({ userName: user('bob') }));
      await own.write((tx) => tx.createAccessKeys(id, requests, { actor: 'test' }));
      await rejectsWith(
        own.write((tx) => tx.createAccessKey(id, { userName: user('bob') })),
        'LimitExceeded.User.AccessKey',
      );
      await own.write((tx) =>
        tx.createAccessKeys(
          id,
          Array.from({ length: 5 }, () => ({})),
          { actor: 'test' },
        ),
      );
      assert.equal((await own.listAccessKeys(id, { owner: null })).length, 5);
      await rejectsWith(
        own.write((tx) => tx.createAccessKeys(id, [{ userName: user('carol') }], { actor: 'test' })),
        'EntityNotExist.User',
      );
    });

    test('are listed by owner', async () => {
      const { store: own } = await harness.fresh();
      const id = await newAccount(own);
      await own.write((tx) => tx.createUser(id, { userName: user('dave') }));
      const root = await own.write((tx) => tx.createAccessKey(id));
      const dave = await own.write((tx) => tx.createAccessKey(id, { userName: user('dave') }));
      const ids = (keys: { accessKeyId: AccessKeyId }[]) => keys.map((k) => k.accessKeyId).sort();
      assert.deepEqual(ids(await own.listAccessKeys(id)), [root.accessKeyId, dave.accessKeyId].sort());
      assert.deepEqual(ids(await own.listAccessKeys(id, { owner: null })), [root.accessKeyId]);
      assert.deepEqual(ids(await own.listAccessKeys(id, { owner: user('dave') })), [dave.accessKeyId]);
      await rejectsWith(own.listAccessKeys(id, { owner: user('erin') }), 'EntityNotExist.User');
    });

    test('change status, with a change record', async () => {
      const key = await store.write((tx) => tx.createAccessKey(accountId));
      const updated = await store.write((tx) =>
        tx.updateAccessKey(accountId, key.accessKeyId, { status: 'Inactive' }),
      );
      assert.equal(updated.status, 'Inactive');
      assert.equal((await store.getAccessKey(accountId, key.accessKeyId)).status, 'Inactive');
      const [change] = await store.changesSince((await store.currentVersion()) - 1);
      assert.equal(change?.kind, 'key.updated');
      assert.ok(change?.kind === 'key.updated' && change.status === 'Inactive');
      await rejectsWith(
        store.write((tx) =>
          tx.updateAccessKey(accountId, key.accessKeyId, { status: 'Disabled' as 'Active' }),
        ),
        'InvalidParameter.Status',
      );
    });

    test('are not found across accounts or after deletion', async () => {
      const key = await store.write((tx) => tx.createAccessKey(accountId));
      const other = await newAccount(store);
      await rejectsWith(store.getAccessKey(other, key.accessKeyId), 'EntityNotExist.User.AccessKey');
      await rejectsWith(
        store.write((tx) => tx.updateAccessKey(other, key.accessKeyId, { status: 'Inactive' })),
        'EntityNotExist.User.AccessKey',
      );
      await rejectsWith(
        store.write((tx) => tx.deleteAccessKey(other, key.accessKeyId, { actor: 'test' })),
        'EntityNotExist.User.AccessKey',
      );
      await store.write((tx) => tx.deleteAccessKey(accountId, key.accessKeyId, { actor: 'test' }));
      await rejectsWith(store.getAccessKey(accountId, key.accessKeyId), 'EntityNotExist.User.AccessKey');
      assert.equal(await store.revealCredentialForSigning(key.accessKeyId), undefined);
      await rejectsWith(
        store.write((tx) => tx.createAccessKey('1000000000000000' as AccountId)),
        'EntityNotExist.Account',
      );
    });

    test('record when and with which service they were last used, outside the change log', async () => {
      const key = await store.write((tx) => tx.createAccessKey(accountId));
      const version = await store.currentVersion();
      const at = new Date('2026-03-01T00:00:00Z');
      await store.recordAccessKeyUse([{ accessKeyId: key.accessKeyId, at, service: 'Ecs' }]);
      // An older report, arriving late, does not overwrite the newer one.
      await store.recordAccessKeyUse([
        { accessKeyId: key.accessKeyId, at: new Date('2026-02-01T00:00:00Z'), service: 'Ram' },
      ]);
      assert.deepEqual((await store.getAccessKey(accountId, key.accessKeyId)).lastUsed, {
        at,
        service: 'Ecs',
      });
      assert.equal(await store.currentVersion(), version);
    });
  });
}
