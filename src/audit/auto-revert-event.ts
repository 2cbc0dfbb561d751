import { randomUUID } from 'node:crypto';
import { formatAlibabaTime } from '../common/alibaba-time.js';
import type { AccountId, NewAuditEvent, PolicyScope } from '../store/index.js';
import type { AuditEvent } from './audit-event.js';
import { newEventId } from './event-id.js';
import { toStoredEvent } from './stored-event.js';

/** A commit-confirmed change that KeyFence reverted, as its audit event tells it. */
export interface AutoRevert {
  readonly scope: PolicyScope;
  /** The change reverted, unconfirmed at its deadline. */
  readonly revertedVersion: number;
  /** The reverting change's own version. */
  readonly policyVersion: number;
  /** The entry metadata restored with the policy (stored form); null for none. */
  readonly entryDescriptions: string | null;
  readonly at: Date;
  readonly region: string;
}

/**
 * The audit event of an automatic revert (docs/server.md, "Commit-confirmed changes"): an
 * ordinary `SetAccessKeyPolicy` (or `…ForAccount`) event of the scope's account, so that the
 * policy's history in LookupEvents shows it beside the change it reverts, made by no caller:
 * `userIdentity.userName` is `keyfence:auto-revert` and `keyfence.autoRevert` names both versions.
 */
export function autoRevertEvent(revert: AutoRevert): NewAuditEvent {
  const { scope, at } = revert;
  const event: AuditEvent & { keyfence: { autoRevert: object } } = {
    eventId: newEventId(at.getTime()),
    eventName: scope.scope === 'account' ? 'SetAccessKeyPolicyForAccount' : 'SetAccessKeyPolicy',
    eventType: 'ApiCall',
    eventCategory: 'Management',
    eventRW: 'Write',
    eventTime: formatAlibabaTime(at),
    eventSource: 'ims.aliyuncs.com',
    eventVersion: 1,
    serviceName: 'Ims',
    acsRegion: revert.region,
    requestId: randomUUID().toUpperCase(),
    apiVersion: '2019-08-15',
    userAgent: null,
    sourceIpAddress: '',
    vpcId: null,
    errorCode: null,
    errorMessage: null,
    requestParameters: {
      ...(scope.scope === 'accessKey' ? { UserAccessKeyId: scope.accessKeyId } : {}),
      ...(revert.entryDescriptions === null ? {} : { EntryDescriptions: revert.entryDescriptions }),
    },
    userIdentity: {
      type: 'unknown',
      accountId: scope.accountId,
      principalId: null,
      userName: 'keyfence:auto-revert',
      accessKeyId: null,
    },
    keyfence: {
      allowed: null,
      reason: null,
      scope: null,
      statement: null,
      policyVersion: revert.policyVersion,
      appliedVersion: null,
      authenticated: false,
      authentication: null,
      entryPoint: 'rpc',
      service: null,
      request: null,
      httpStatus: 200,
      sourceFault: null,
      count: 1,
      lastTime: null,
      autoRevert: { revertedVersion: revert.revertedVersion, policyVersion: revert.policyVersion },
    },
  };
  return toStoredEvent({ event, accountId: scope.accountId as AccountId, at });
}
