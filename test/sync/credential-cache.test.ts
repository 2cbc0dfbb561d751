import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import {
  type AccessKeyId,
  type AccountId,
  type KeyFenceStore,
  openStore,
  type RoleName,
  type SigningCredential,
  type StoreError,
  type TemporaryAccessKeyId,
  type UserName,
} from '../../src/store/index.js';
import { catchUp } from '../../src/sync/apply-change.js';
import { CredentialCache } from '../../src/sync/credential-cache.js';
import { loadIndex } from '../../src/sync/load-index.js';
import { UserPolicyAttachments } from '../../src/sync/user-policy-attachments.js';
import { useDialects } from '../store/support/dialects.js';
import { newAccount, storeHarness, testMasterKey } from '../store/support/store-harness.js';

/** A credential as comparable data: everything but the token check, which is compared by use. */
function plain(credential: SigningCredential | undefined) {
  if (credential === undefined) return undefined;
  const { secret, ...rest } = credential;
  const fields = Object.fromEntries(Object.entries(rest).filter(([name]) => name !== 'matchesSecurityToken'));
  return { ...fields, secret: secret.reveal() };
}

/** A node's memory: the decision index and the two consumers, loaded and caught up together. */
class NodeMemory {
  readonly index = new DecisionIndex();
  readonly credentials: CredentialCache;
  readonly attachments = new UserPolicyAttachments();
  readonly undecryptable: unknown[] = [];
  version = 0;
  readonly #store: KeyFenceStore;

  constructor(store: KeyFenceStore, now?: () => Date) {
    this.#store = store;
    this.credentials = new CredentialCache(store, {
      onUndecryptable: (error) => this.undecryptable.push(error),
      ...(now === undefined ? {} : { now }),
    });
  }

  get consumers() {
    return [this.credentials, this.attachments];
  }

  /** As a node loads; with `pageSize`, only the consumers, from a snapshot read in pages that small. */
  async load(pageSize?: number): Promise<this> {
    if (pageSize === undefined) {
      this.version = await loadIndex(this.#store, this.index, this.consumers);
      return this;
    }
    this.version = await this.#store.snapshot(
      async (snapshot) => {
        for (const consumer of this.consumers) await consumer.load(snapshot);
        return snapshot.version;
      },
      { pageSize },
    );
    return this;
  }

  async catchUp(pageSize: number): Promise<void> {
    this.version = await catchUp(
      this.index,
      (v, limit) => this.#store.changesSince(v, limit),
      this.version,
      pageSize,
      undefined,
      this.consumers,
    );
  }

  close(): void {
    this.credentials.close();
  }
}

/** What a test has created: the IDs and names its random operations pick from. */
interface World {
  readonly accountId: AccountId;
  readonly users: UserName[];
  readonly keys: AccessKeyId[];
  readonly roles: RoleName[];
  readonly temporary: { accessKeyId: TemporaryAccessKeyId; securityToken: string }[];
  names: number;
}

type Op =
  | { readonly kind: 'rootKey' | 'user' | 'role' }
  | { readonly kind: 'userKey' | 'rename' | 'issue' | 'deleteRole' | 'deleteKey'; readonly pick: number }
  | { readonly kind: 'status'; readonly pick: number; readonly active: boolean }
  | { readonly kind: 'attach' | 'detach'; readonly pick: number; readonly policy: string }
  | { readonly kind: 'sync'; readonly pageSize: number };

const pick = fc.nat(50);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom<Op>({ kind: 'rootKey' }, { kind: 'user' }, { kind: 'role' }),
  fc.record({
    kind: fc.constantFrom('userKey', 'rename', 'issue', 'deleteRole', 'deleteKey'),
    pick,
  }) as fc.Arbitrary<Op>,
  fc.record({ kind: fc.constant('status'), pick, active: fc.boolean() }) as fc.Arbitrary<Op>,
  fc.record({
    kind: fc.constantFrom('attach', 'detach'),
    pick,
    policy: fc.constantFrom('AdministratorAccess', 'AliyunRAMReadOnlyAccess', 'AliyunSTSAssumeRoleAccess'),
  }) as fc.Arbitrary<Op>,
  fc.record({ kind: fc.constant('sync'), pageSize: fc.integer({ min: 1, max: 4 }) }) as fc.Arbitrary<Op>,
);

const chosen = <T>(list: readonly T[], n: number): T | undefined =>
  list.length === 0 ? undefined : list[n % list.length];

/** Runs one operation through the store; a refusal (a user's third key, a policy attached twice) changes nothing. */
async function run(store: KeyFenceStore, world: World, step: Op, memory?: NodeMemory): Promise<void> {
  const { accountId } = world;
  const next = () => `n${++world.names}`;
  try {
    switch (step.kind) {
      case 'rootKey':
        world.keys.push((await store.write((tx) => tx.createAccessKey(accountId))).accessKeyId);
        return;
      case 'user': {
        const userName = next() as UserName;
        await store.write((tx) => tx.createUser(accountId, { userName }));
        world.users.push(userName);
        return;
      }
      case 'role': {
        const roleName = next() as RoleName;
        await store.write((tx) =>
          tx.createRole(accountId, { roleName, assumeRolePolicyDocument: '{"Statement":[]}' }),
        );
        world.roles.push(roleName);
        return;
      }
      case 'userKey': {
        const userName = chosen(world.users, step.pick);
        if (userName === undefined) return;
        world.keys.push((await store.write((tx) => tx.createAccessKey(accountId, { userName }))).accessKeyId);
        return;
      }
      case 'rename': {
        const index = world.users.length === 0 ? -1 : step.pick % world.users.length;
        if (index < 0) return;
        const newUserName = next() as UserName;
        await store.write((tx) => tx.updateUser(accountId, world.users[index]!, { newUserName }));
        world.users[index] = newUserName;
        return;
      }
      case 'issue': {
        const roleName = chosen(world.roles, step.pick);
        if (roleName === undefined) return;
        const issued = await store.write((tx) =>
          tx.issueTemporaryCredential(accountId, roleName, {
            roleSessionName: 'session',
            sourceIdentity: 'test',
          }),
        );
        world.temporary.push({ accessKeyId: issued.accessKeyId, securityToken: issued.securityToken });
        return;
      }
      case 'deleteRole': {
        const index = world.roles.length === 0 ? -1 : step.pick % world.roles.length;
        if (index < 0) return;
        await store.write((tx) => tx.deleteRole(accountId, world.roles[index]!));
        world.roles.splice(index, 1);
        return;
      }
      case 'deleteKey': {
        const accessKeyId = chosen(world.keys, step.pick);
        if (accessKeyId !== undefined)
          await store.write((tx) => tx.deleteAccessKey(accountId, accessKeyId, { actor: 't' }));
        return;
      }
      case 'status': {
        const accessKeyId = chosen(world.keys, step.pick);
        const status = step.active ? 'Active' : 'Inactive';
        if (accessKeyId !== undefined)
          await store.write((tx) => tx.updateAccessKey(accountId, accessKeyId, { status }));
        return;
      }
      case 'attach':
      case 'detach': {
        const userName = chosen(world.users, step.pick);
        if (userName === undefined) return;
        const policy = { policyType: 'System', policyName: step.policy } as const;
        await store.write(async (tx) => {
          if (step.kind === 'attach') await tx.attachPolicyToUser(accountId, userName, policy);
          else await tx.detachPolicyFromUser(accountId, userName, policy);
        });
        return;
      }
      case 'sync':
        await memory?.catchUp(step.pageSize);
        return;
    }
  } catch (error) {
    const code = (error as StoreError).code ?? '';
    if (!/^(EntityNotExist|EntityAlreadyExists|LimitExceeded|DeleteConflict)\./.test(code)) throw error;
  }
}

/** The memory answers every lookup as the store does, from memory only. */
async function assertMatchesStore(store: KeyFenceStore, world: World, memory: NodeMemory): Promise<void> {
  const ids = [...world.keys, ...world.temporary.map((t) => t.accessKeyId)];
  let held = 0;
  for (const id of ids) {
    const stored = await store.revealCredentialForSigning(id);
    assert.deepEqual(plain(memory.credentials.get(id)), plain(stored), `credential ${id}`);
    if (stored !== undefined) held++;
  }
  assert.equal(memory.credentials.counters.held, held, 'nothing else is held');
  for (const { accessKeyId, securityToken } of world.temporary) {
    const cached = memory.credentials.get(accessKeyId);
    if (cached?.kind !== 'temporary') continue;
    assert.equal(cached.matchesSecurityToken(securityToken), true);
    assert.equal(cached.matchesSecurityToken(`${securityToken}x`), false);
  }
  for (const userName of world.users) {
    const stored = (await store.listPoliciesForUser(world.accountId, userName)).map((a) => a.policyName);
    assert.deepEqual(
      [...memory.attachments.policiesOf(world.accountId, userName)].sort(),
      stored.sort(),
      `policies of ${userName}`,
    );
  }
}

for (const fixture of useDialects()) {
  describe(`credentials and user policies in memory on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test('a snapshot read in small pages holds every credential and attachment, secrets decrypted', async () => {
      const { store } = await harness.fresh();
      const accountId = await newAccount(store);
      const world: World = { accountId, users: [], keys: [], roles: [], temporary: [], names: 0 };
      const memory = new NodeMemory(store);
      for (const step of [
        { kind: 'rootKey' },
        { kind: 'rootKey' },
        { kind: 'user' },
        { kind: 'user' },
        { kind: 'userKey', pick: 0 },
        { kind: 'userKey', pick: 1 },
        { kind: 'userKey', pick: 1 },
        { kind: 'role' },
        { kind: 'issue', pick: 0 },
        { kind: 'issue', pick: 0 },
        { kind: 'attach', pick: 0, policy: 'AdministratorAccess' },
        { kind: 'attach', pick: 0, policy: 'AliyunRAMReadOnlyAccess' },
        { kind: 'attach', pick: 1, policy: 'AdministratorAccess' },
      ] satisfies Op[]) {
        await run(store, world, step);
      }
      await memory.load(2);
      assert.equal(memory.credentials.counters.held, 7);
      await assertMatchesStore(store, world, memory);
      memory.close();
    });

    test('authenticates from memory while the store is unreachable; a key it has not heard of is unknown', async () => {
      const config = await fixture.newDatabase();
      const store = await openStore({ ...config, masterKey: testMasterKey });
      const accountId = await newAccount(store);
      const held = await store.write((tx) => tx.createAccessKey(accountId));
      const memory = await new NodeMemory(store).load();
      const later = await store.write((tx) => tx.createAccessKey(accountId));

      // Not applied yet: one store read answers.
      assert.equal(memory.credentials.get(later.accessKeyId), undefined);
      assert.equal((await memory.credentials.find(later.accessKeyId))?.accessKeyId, later.accessKeyId);
      assert.equal(memory.credentials.counters.misses, 1);
      assert.equal(memory.credentials.get(later.accessKeyId), undefined, 'what a miss read is not kept');

      await store.close();
      const found = await memory.credentials.find(held.accessKeyId);
      assert.equal(found?.kind === 'permanent' && found.secret.reveal(), held.accessKeySecret);
      assert.equal(await memory.credentials.find(later.accessKeyId), undefined);
      memory.close();
    });

    test('follows random changes exactly as a fresh load sees them', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (steps) => {
          const { store } = await harness.fresh();
          const accountId = await newAccount(store);
          const world: World = { accountId, users: [], keys: [], roles: [], temporary: [], names: 0 };
          await run(store, world, { kind: 'user' });
          await run(store, world, { kind: 'rootKey' });
          const memory = await new NodeMemory(store).load();
          try {
            for (const step of steps) await run(store, world, step, memory);
            await memory.catchUp(3);
            await assertMatchesStore(store, world, memory);
            const fresh = await new NodeMemory(store).load();
            await assertMatchesStore(store, world, fresh);
            fresh.close();
          } finally {
            memory.close();
          }
        }),
        { numRuns: fixture.name === 'sqlite' ? 30 : 8 },
      );
    });
  });
}

describe('credentials in memory, edge cases (sqlite)', () => {
  const [sqlite] = useDialects();
  const harness = storeHarness(sqlite!);

  test('a key created, then renames that reuse names, all in one catch-up: the key keeps its own user', async () => {
    const { store } = await harness.fresh();
    const accountId = await newAccount(store);
    const [a, n, m] = ['a', 'n', 'm'] as UserName[];
    await store.write(async (tx) => {
      await tx.createUser(accountId, { userName: a });
      await tx.createUser(accountId, { userName: n });
    });
    const memory = await new NodeMemory(store).load();
    const key = await store.write((tx) => tx.createAccessKey(accountId, { userName: a }));
    await store.write((tx) => tx.updateUser(accountId, n, { newUserName: m }));
    await store.write((tx) => tx.updateUser(accountId, a, { newUserName: n }));
    await memory.catchUp(1000);
    const held = memory.credentials.get(key.accessKeyId);
    assert.equal(held?.kind === 'permanent' ? held.userName : undefined, 'n', 'the store says n');
    assert.deepEqual(plain(held), plain(await store.revealCredentialForSigning(key.accessKeyId)));
    memory.close();
  });

  test('an ID the store does not have costs one store read per second, not one per request', async () => {
    const { store } = await harness.fresh();
    const accountId = await newAccount(store);
    let reads = 0;
    const counting = {
      revealCredentialForSigning: (id: string) => {
        reads++;
        return store.revealCredentialForSigning(id);
      },
    };
    let now = new Date();
    const cache = new CredentialCache(counting, { onUndecryptable: () => {}, now: () => now });
    const unknown = 'LTAI5tNoSuchKey000000001';
    for (let i = 0; i < 5; i++) assert.equal(await cache.find(unknown), undefined);
    assert.equal(reads, 1);
    now = new Date(now.getTime() + 1001);
    assert.equal(await cache.find(unknown), undefined);
    assert.equal(reads, 2, 'asked again once the second is over');

    // A key this node has not heard of yet is still read from the store, and held once its change arrives.
    const created = await store.write((tx) => tx.createAccessKey(accountId));
    assert.equal((await cache.find(created.accessKeyId))?.accessKeyId, created.accessKeyId);
    assert.equal(cache.get(created.accessKeyId), undefined, 'not held before its change');
    const changes = await store.changesSince(0);
    const change = changes.find((c) => c.kind === 'key.created' && c.accessKeyId === created.accessKeyId);
    await cache.apply(change!);
    assert.equal(cache.get(created.accessKeyId)?.accessKeyId, created.accessKeyId);
    cache.close();
  });

  test('temporary credentials are dropped once expired', async () => {
    const { store } = await harness.fresh();
    const accountId = await newAccount(store);
    const roleName = 'deployer' as RoleName;
    const issued = await store.write(async (tx) => {
      await tx.createRole(accountId, { roleName, assumeRolePolicyDocument: '{"Statement":[]}' });
      return tx.issueTemporaryCredential(accountId, roleName, { roleSessionName: 's1', sourceIdentity: 't' });
    });
    let now = new Date();
    const memory = await new NodeMemory(store, () => now).load();
    assert.equal(memory.credentials.sweepExpired(), 0);
    assert.ok(memory.credentials.get(issued.accessKeyId));
    now = new Date(issued.expiration.getTime() + 1);
    assert.equal(memory.credentials.sweepExpired(), 1);
    assert.equal(memory.credentials.get(issued.accessKeyId), undefined);
    memory.close();
  });

  test('a secret that does not decrypt is reported and left out; every other credential loads', async () => {
    const { store, config } = await harness.fresh();
    const accountId = await newAccount(store);
    const [good, bad] = await store.write(async (tx) => [
      await tx.createAccessKey(accountId),
      await tx.createAccessKey(accountId),
    ]);
    assert.equal(config.dialect, 'sqlite');
    const database = new Database(config.dialect === 'sqlite' ? config.file : '');
    try {
      database
        .prepare('update access_keys set sealed_secret = ? where access_key_id = ?')
        .run('v1.AAAA', bad!.accessKeyId);
    } finally {
      database.close();
    }
    const memory = await new NodeMemory(store).load();
    assert.ok(memory.credentials.get(good!.accessKeyId));
    assert.equal(memory.credentials.get(bad!.accessKeyId), undefined);
    assert.equal(memory.undecryptable.length, 1);
    assert.match(String((memory.undecryptable[0] as StoreError).code), /Store.SecretUndecryptable/);
    assert.ok(!String((memory.undecryptable[0] as Error).message).includes(bad!.accessKeySecret));
    memory.close();
  });
});
