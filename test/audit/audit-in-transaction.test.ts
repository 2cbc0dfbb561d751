/**
 * A call's audit event stored in the transaction of its change (docs/audit.md, "Durability"):
 * `StoreTransaction.appendAuditEvent` and `accessKeyPrincipals` on both databases, and the
 * `ChangeAudit` an action writes through.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { ChangeAudit } from '../../src/server/rpc/change-audit.js';
import type { AccountId, KeyFenceStore, NewAuditEvent, UserName } from '../../src/store/index.js';
import { storedEvent, storedEventIds } from '../store/support/audit-events.js';
import { type DatabaseConfig, useDialects } from '../store/support/dialects.js';
import { newAccount, storeHarness } from '../store/support/store-harness.js';

function auditEvent(accountId: AccountId, eventName = 'CreateUser'): NewAuditEvent {
  return storedEvent(randomUUID().toUpperCase(), {
    accountId,
    at: new Date(),
    requestId: randomUUID().toUpperCase(),
    accessKeyId: null,
    eventName,
    eventRW: 'Write',
  });
}

async function userExists(store: KeyFenceStore, accountId: AccountId, userName: string): Promise<boolean> {
  return (await store.listUsers(accountId)).some((user) => user.userName === userName);
}

for (const fixture of useDialects()) {
  describe(`audit events in a write transaction on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);
    let store: KeyFenceStore;
    let config: DatabaseConfig;
    let account: AccountId;

    before(async () => {
      ({ store, config } = await harness.fresh());
      account = await newAccount(store);
    });

    test('the event commits with the change', async () => {
      const event = auditEvent(account);
      await store.write(async (tx) => {
        await tx.createUser(account, { userName: 'alice' as UserName, displayName: 'Alice' });
        await tx.appendAuditEvent(event);
      });
      assert.ok(await userExists(store, account, 'alice'));
      assert.ok((await storedEventIds(config)).includes(event.eventId));
    });

    test('a transaction that rolls back takes its event with it', async () => {
      const event = auditEvent(account);
      await assert.rejects(
        store.write(async (tx) => {
          await tx.createUser(account, { userName: 'bob' as UserName, displayName: 'Bob' });
          await tx.appendAuditEvent(event);
          throw new Error('the action failed after writing');
        }),
        /the action failed after writing/,
      );
      assert.equal(await userExists(store, account, 'bob'), false);
      assert.equal((await storedEventIds(config)).includes(event.eventId), false);
    });

    test('an event ID already stored is skipped, in a transaction or by the writer', async () => {
      const event = auditEvent(account);
      await store.write((tx) => tx.appendAuditEvent(event));
      await store.write((tx) => tx.appendAuditEvent({ ...event, document: '{"again":true}' }));
      await store.appendAuditEvents([event]);
      const ids = await storedEventIds(config);
      assert.equal(ids.filter((id) => id === event.eventId).length, 1);
    });

    test('accessKeyPrincipals reads what the transaction wrote', async () => {
      const found = await store.write(async (tx) => {
        await tx.createUser(account, { userName: 'carol' as UserName, displayName: 'Carol' });
        const key = await tx.createAccessKey(account, { userName: 'carol' as UserName });
        return (await tx.accessKeyPrincipals([key.accessKeyId, 'LTAI5tNoSuchKeyNoSuch01'])).get(
          key.accessKeyId,
        );
      });
      assert.equal(found?.type, 'ram-user');
      assert.equal(found?.type === 'ram-user' ? found.userName : undefined, 'carol');
    });

    test("ChangeAudit: the call's first committed write carries its event, and only that one", async () => {
      const made: NewAuditEvent[] = [];
      const audit = new ChangeAudit(store, async () => {
        const event = auditEvent(account);
        made.push(event);
        return event;
      });
      // A write that rolls back stores nothing; the call is not audited yet.
      await assert.rejects(
        audit.write(async (tx) => {
          await tx.createUser(account, { userName: 'dave' as UserName, displayName: 'Dave' });
          throw new Error('refused');
        }),
        /refused/,
      );
      assert.equal(audit.committed, false);
      await audit.write((tx) =>
        tx.createUser(account, { userName: 'erin' as UserName, displayName: 'Erin' }),
      );
      assert.equal(audit.committed, true);
      await audit.write((tx) => tx.createUser(account, { userName: 'fay' as UserName, displayName: 'Fay' }));
      const ids = await storedEventIds(config);
      // Built once `work` resolved: for the first committed write only.
      assert.equal(made.length, 1);
      assert.ok(ids.includes(made[0]!.eventId));
    });
  });
}
