import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import * as $dara from '@darabonba/typescript';
import { DecisionIndex } from '../../../../src/policy/decision-index.js';
import type { AccessKeyPolicy } from '../../../../src/policy/policy-document.js';
import { DEFAULT_POLICY_LIMITS } from '../../../../src/policy/policy-limits.js';
import type { Caller } from '../../../../src/request/caller.js';
import { toApiError } from '../../../../src/server/errors/to-api-error.js';
import type { ActionContext, ActionDefinition, PolicyTarget } from '../../../../src/server/rpc/action.js';
import {
  type AccountId,
  type KeyFenceStore,
  MasterKey,
  openStore,
  type UserName,
} from '../../../../src/store/index.js';

export const testClock = () => new Date('2026-05-06T07:08:09.123Z');
/** `testClock` as Alibaba writes dates. */
export const testDate = '2026-05-06T07:08:09Z';

/**
 * Call at the top level of a test file or suite: returns a function opening SQLite stores in
 * temporary directories, which are closed and removed after that file or suite.
 */
export function useTestStores(): () => Promise<KeyFenceStore> {
  const opened: { store: KeyFenceStore; dir: string }[] = [];
  after(async () => {
    for (const { store, dir } of opened.splice(0)) {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyfence-actions-'));
    const store = await openStore({
      dialect: 'sqlite',
      file: join(dir, 'keyfence.db'),
      masterKey: MasterKey.generate(),
      clock: testClock,
    });
    opened.push({ store, dir });
    return store;
  };
}

/** A new account with its root key; the caller signing with that key. */
export type RootCaller = Extract<Caller, { readonly type: 'root-account' }>;
export type RamUserCaller = Extract<Caller, { readonly type: 'ram-user' }>;

export async function newTenant(store: KeyFenceStore): Promise<{ accountId: AccountId; root: RootCaller }> {
  const { accountId, accessKeyId } = await store.write(async (tx) => {
    const account = await tx.createAccount();
    const key = await tx.createAccessKey(account.accountId);
    return { accountId: account.accountId, accessKeyId: key.accessKeyId };
  });
  return { accountId, root: { type: 'root-account', accountId, accessKeyId } };
}

/** A RAM user of the account with one key, and the caller signing with that key. */
export async function newRamUser(
  store: KeyFenceStore,
  accountId: AccountId,
  name: string,
): Promise<RamUserCaller> {
  const userName = name as UserName;
  const { user, key } = await store.write(async (tx) => ({
    user: await tx.createUser(accountId, { userName }),
    key: await tx.createAccessKey(accountId, { userName }),
  }));
  return { type: 'ram-user', accountId, accessKeyId: key.accessKeyId, userName, userId: user.userId };
}

export interface FakeContext {
  readonly context: ActionContext;
  /** How often a write of the handler committed and caught the node up. */
  changedCalls: number;
  /** Each lockout check the handler asked for, in order. */
  readonly lockoutChecks: { target: PolicyTarget; policy: AccessKeyPolicy }[];
}

export interface ContextOptions {
  /** Stands in for the server's lockout guard: throw to refuse. */
  readonly guardLockout?: (target: PolicyTarget, policy: AccessKeyPolicy) => void;
}

export function fakeContext(
  store: KeyFenceStore,
  caller: Caller,
  params: Record<string, string>,
  options: ContextOptions = {},
): FakeContext {
  const fake: FakeContext = {
    changedCalls: 0,
    lockoutChecks: [],
    context: {
      requestId: 'TEST-REQUEST',
      caller,
      params,
      source: { ip: '192.0.2.10', via: 'peer' },
      store,
      write: async (work) => {
        const result = await store.write(work);
        fake.changedCalls++;
        return result;
      },
      guardLockout: (target, policy) => {
        fake.lockoutChecks.push({ target, policy });
        options.guardLockout?.(target, policy);
      },
      // No node here: an index that knows no key.
      explain: async (credential, source, service) =>
        new DecisionIndex().explain(credential, source, service),
      policyLimits: DEFAULT_POLICY_LIMITS,
      auditRetentionDays: 90,
      exemptServices: [],
      simulateMaxSources: 10_000,
      logonMaskLimit: 40,
      recommendBound: { v4: 16, v6: 48 },
      now: testClock,
    },
  };
  return fake;
}

/** Runs `action` as `caller` with `params`; the response body (without RequestId). */
export function call(
  store: KeyFenceStore,
  action: ActionDefinition,
  caller: Caller,
  params: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  return action.handle(fakeContext(store, caller, params).context);
}

/**
 * Asserts that `promise` is refused as a client would see it: the code and HTTP status the
 * server core renders for the thrown error (ApiError as is, StoreError by its family).
 */
export async function refusedWith(
  promise: Promise<unknown>,
  code: string,
  httpStatus: number,
): Promise<string> {
  let message = '';
  await assert.rejects(promise, (thrown: unknown) => {
    const { error, internal } = toApiError(thrown);
    assert.equal(internal, false, `expected a refusal, got ${String(thrown)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.httpStatus, httpStatus);
    message = error.message;
    return true;
  });
  return message;
}

/**
 * A response body as the official SDK reads it: `$dara.cast` into the generated response model,
 * as the typed client methods do. A field with a wrong name comes out undefined.
 */
export function sdkBody<T extends $dara.Model>(
  body: Record<string, unknown>,
  Response: new (map?: Record<string, unknown>) => { body?: T },
): T {
  const response = $dara.cast<{ body?: T }>(
    { statusCode: 200, headers: {}, body: { ...body, RequestId: 'TEST-REQUEST' } },
    new Response({}),
  );
  assert.ok(response.body !== undefined);
  return response.body;
}
