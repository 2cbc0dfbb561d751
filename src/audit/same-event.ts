import type { Decision } from '../policy/decision.js';
import type { Caller } from '../request/caller.js';
import type { OriginalRequest, RecordedSource } from '../request/request-record.js';
import type { AuditedRequest } from './audit-event.js';

/**
 * Whether two records make the same event but for `requestId` and `time`: every other field the
 * event is built from is equal, nested ones field by field. Runs on the request path for every
 * folded request, so it allocates nothing: no key lists, no strings, no closures.
 */
export function sameEvent(a: AuditedRequest, b: AuditedRequest): boolean {
  return (
    a.action === b.action &&
    a.version === b.version &&
    a.product === b.product &&
    a.entryPoint === b.entryPoint &&
    a.service === b.service &&
    a.httpStatus === b.httpStatus &&
    a.errorCode === b.errorCode &&
    a.errorMessage === b.errorMessage &&
    a.userAgent === b.userAgent &&
    a.authentication === b.authentication &&
    a.claimedAccessKeyId === b.claimedAccessKeyId &&
    (a.appliedVersion ?? null) === (b.appliedVersion ?? null) &&
    sameSource(a.source, b.source) &&
    sameOriginal(a.original, b.original) &&
    sameCaller(a.caller, b.caller) &&
    sameDecision(a.decision, b.decision) &&
    sameDecision(a.candidate ?? null, b.candidate ?? null) &&
    sameParams(a.params ?? null, b.params ?? null)
  );
}

function sameSource(a: RecordedSource, b: RecordedSource): boolean {
  return a === b || (a.ip === b.ip && a.vpcId === b.vpcId && a.fault === b.fault);
}

function sameOriginal(a: OriginalRequest | null, b: OriginalRequest | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return a.method === b.method && a.host === b.host && a.path === b.path;
}

function sameDecision(a: Decision | null, b: Decision | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return (
    a.allowed === b.allowed &&
    a.reason === b.reason &&
    a.scope === b.scope &&
    a.statement === b.statement &&
    a.policyVersion === b.policyVersion
  );
}

function sameCaller(a: Caller | null, b: Caller | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (a.type !== b.type || a.accountId !== b.accountId || a.accessKeyId !== b.accessKeyId) return false;
  switch (a.type) {
    case 'root-account':
      return true;
    case 'ram-user':
      return b.type === 'ram-user' && a.userName === b.userName && a.userId === b.userId;
    case 'console-session':
      return b.type === 'console-session' && a.sessionId === b.sessionId;
    case 'assumed-role':
      return (
        b.type === 'assumed-role' &&
        a.roleName === b.roleName &&
        a.roleId === b.roleId &&
        a.roleSessionName === b.roleSessionName
      );
  }
}

/** Same own names with the same values; `for…in` walks them without building a key list. */
function sameParams(
  a: Readonly<Record<string, string>> | null,
  b: Readonly<Record<string, string>> | null,
): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  let names = 0;
  for (const name in a) {
    if (!Object.hasOwn(a, name)) continue;
    if (!Object.hasOwn(b, name) || a[name] !== b[name]) return false;
    names++;
  }
  for (const name in b) {
    if (Object.hasOwn(b, name)) names--;
  }
  return names === 0;
}
