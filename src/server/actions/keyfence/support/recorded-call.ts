import type { AuditEvent } from '../../../../audit/audit-event.js';
import type { Decision, Source } from '../../../../policy/decision.js';
import type { AccountId } from '../../../../store/index.js';
import { accessCheckErrors, invalidParameter } from '../../../errors/api-error.js';
import type { StoreView } from '../../../rpc/action.js';

/** A past call as its audit event recorded it: who, from where, for which service, and what was decided. */
export interface RecordedCall {
  readonly requestId: string;
  readonly at: Date;
  readonly accessKeyId: string;
  /** The source the decision saw: no address when a trusted proxy forwarded an unreadable one. */
  readonly source: Source;
  /** The service code decided under; '' when the call was refused before it was known. */
  readonly service: string;
  /** Null when the call was refused before the network ACL was asked. */
  readonly decision: (Omit<Decision, 'statement'> & { readonly statement: number | null }) | null;
}

/**
 * The call `requestId` names, from the audit log of `accountId` (a call of another account is
 * not found, like one that never was). A call answered twice under one RequestId (a change that
 * committed, then the error the client was told) is read from its last event: both name the
 * same key, source and service.
 */
export async function recordedCall(
  store: Pick<StoreView, 'lookupAuditEvents'>,
  accountId: AccountId,
  requestId: string,
  now: Date,
): Promise<RecordedCall> {
  const page = await store.lookupAuditEvents({
    accountId,
    from: new Date(0),
    to: now,
    filter: { requestId },
    order: 'newest-first',
    limit: 1,
  });
  const stored = page.events[0];
  if (stored === undefined) throw accessCheckErrors.unknownRequest();
  const event = JSON.parse(stored.document) as AuditEvent;
  const accessKeyId = event.userIdentity.accessKeyId;
  if (accessKeyId === null) {
    throw invalidParameter('RequestId', 'the call it names was not signed with an AccessKey.');
  }
  const { keyfence } = event;
  const source: Source =
    keyfence.sourceFault !== null
      ? { ip: '' }
      : event.vpcId === null
        ? { ip: event.sourceIpAddress }
        : { ip: event.sourceIpAddress, vpcId: event.vpcId };
  return {
    requestId: event.requestId,
    at: stored.at,
    accessKeyId,
    source,
    service: keyfence.service ?? '',
    decision:
      keyfence.allowed === null || keyfence.reason === null || keyfence.scope === null
        ? null
        : {
            allowed: keyfence.allowed,
            reason: keyfence.reason,
            scope: keyfence.scope,
            statement: keyfence.statement,
            policyVersion: keyfence.policyVersion ?? 0,
          },
  };
}
