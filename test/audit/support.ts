import type { AuditedRequest } from '../../src/audit/audit-event.js';
import type { AuditStore } from '../../src/audit/audit-writer.js';
import type { Decision } from '../../src/policy/decision.js';
import type { Caller } from '../../src/request/caller.js';
import {
  type AccessKeyId,
  type AccessKeyPrincipal,
  type AccountId,
  type KeyFenceStore,
  type NewAuditEvent,
  type RoleId,
  type RoleName,
  StoreError,
  type TemporaryAccessKeyId,
  type UserId,
  type UserName,
} from '../../src/store/index.js';

export const ACCOUNT = '1234567890123456' as AccountId;
export const OTHER_ACCOUNT = '6543210987654321' as AccountId;
export const ROOT_KEY = 'LTAI5tRootKeyRootKey0001' as AccessKeyId;
export const USER_KEY = 'LTAI5tUserKeyUserKey0001' as AccessKeyId;
export const STS_KEY = 'STS.NUQNP4PiGyckMsNiGELCs0001' as TemporaryAccessKeyId;

export const rootCaller: Caller = { type: 'root-account', accountId: ACCOUNT, accessKeyId: ROOT_KEY };
export const userCaller: Caller = {
  type: 'ram-user',
  accountId: ACCOUNT,
  accessKeyId: USER_KEY,
  userName: 'alice' as UserName,
  userId: '2001' as UserId,
};
export const roleCaller: Caller = {
  type: 'assumed-role',
  accountId: ACCOUNT,
  accessKeyId: STS_KEY,
  roleName: 'Deployer' as RoleName,
  roleId: '3001' as RoleId,
  roleSessionName: 'ci-run',
};

export const allowed: Decision = {
  allowed: true,
  reason: 'public-ip-allowed',
  scope: 'accessKey',
  statement: 0,
  policyVersion: 7,
};

export const denied: Decision = {
  allowed: false,
  reason: 'public-ip-not-allowed',
  scope: 'account',
  statement: -1,
  policyVersion: 3,
};

/** A successful IMS call by the root identity, with whatever `changes` override. */
export function requestRecord(changes: Partial<AuditedRequest> = {}): AuditedRequest {
  return {
    requestId: 'A1B2C3D4-0000-4000-8000-000000000001',
    time: new Date('2024-05-06T07:08:09.123Z'),
    action: 'ListUsers',
    version: '2019-08-15',
    product: 'Ims',
    caller: rootCaller,
    authentication: 'signature',
    claimedAccessKeyId: null,
    source: { ip: '192.0.2.10', vpcId: null, fault: null },
    entryPoint: 'rpc',
    service: 'ims',
    original: null,
    decision: allowed,
    appliedVersion: 12,
    errorCode: null,
    errorMessage: null,
    httpStatus: 200,
    userAgent: 'AlibabaCloud (linux; x64) Node.js/v20 Core/1.0.1 TeaDSL/2',
    ...changes,
  };
}

/** A store double: records what it is given, fails on demand. */
export class FakeAuditStore implements AuditStore {
  readonly batches: NewAuditEvent[][] = [];
  readonly principalLookups: string[][] = [];
  principals = new Map<string, AccessKeyPrincipal>();
  /** Fail this many calls of appendAuditEvents, then succeed. */
  failures = 0;
  /** Resolves when released: to hold an append in flight. */
  gate: Promise<void> | undefined;
  /** A batch holding an event with one of these RequestIds is refused as invalid data, as a database would. */
  readonly refused = new Set<string>();
  /** Every batch it was asked to append, refused or not: their sizes. */
  readonly attempts: number[] = [];

  get events(): NewAuditEvent[] {
    return this.batches.flat();
  }

  /** The size of every batch it stored, in order. */
  get batchSizes(): number[] {
    return this.batches.map((batch) => batch.length);
  }

  async appendAuditEvents(events: readonly NewAuditEvent[]): Promise<void> {
    await this.gate;
    this.attempts.push(events.length);
    if (events.some((event) => this.refused.has(event.requestId))) throw new StoreError('Store.InvalidData');
    if (this.failures > 0) {
      this.failures--;
      throw new Error('database unavailable');
    }
    this.batches.push([...events]);
  }

  async accessKeyPrincipals(accessKeyIds: readonly string[]): Promise<Map<string, AccessKeyPrincipal>> {
    this.principalLookups.push([...accessKeyIds]);
    return new Map([...this.principals].filter(([id]) => accessKeyIds.includes(id)));
  }
}

/** Every stored event's RequestId in ACCOUNT (up to 1000), in time order. */
export async function storedRequestIds(store: Pick<KeyFenceStore, 'lookupAuditEvents'>): Promise<string[]> {
  const page = await store.lookupAuditEvents({
    accountId: ACCOUNT,
    from: new Date(0),
    to: new Date(4_000_000_000_000),
    order: 'oldest-first',
    limit: 1000,
  });
  return page.events.map((event) => JSON.parse(event.document).requestId as string);
}
