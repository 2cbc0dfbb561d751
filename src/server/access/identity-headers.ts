import type { Decision } from '../../policy/decision.js';
import { type Caller, type KeyCaller, keyCallerOnly } from '../../request/caller.js';

/** Every header KeyFence tells an upstream who called; no client may send one (see isIdentityHeader). */
const IDENTITY_HEADERS = Object.freeze({
  accountId: 'x-keyfence-account-id',
  principal: 'x-keyfence-principal',
  accessKeyId: 'x-keyfence-access-key-id',
  credentialType: 'x-keyfence-credential-type',
  policyVersion: 'x-keyfence-policy-version',
  requestId: 'x-keyfence-request-id',
});

const IDENTITY_PREFIX = 'x-keyfence-';

/** True for a header in KeyFence's namespace (lower-case name): only KeyFence sets these. */
export function isIdentityHeader(name: string): boolean {
  return name.startsWith(IDENTITY_PREFIX);
}

/** `root`, `user/NAME` or `assumed-role/ROLE/SESSION`: who the caller is within its account. */
export function principalOf(caller: KeyCaller): string {
  switch (caller.type) {
    case 'root-account':
      return 'root';
    case 'ram-user':
      return `user/${caller.userName}`;
    case 'assumed-role':
      return `assumed-role/${caller.roleName}/${caller.roleSessionName}`;
  }
}

/**
 * The identity headers of an allowed request, as a flat name/value list (what `writeHead` takes
 * without building an object). Names and roles are the store's validated identifiers, so every
 * value is a valid header value. Only forward-auth and the gateway send them, and only AccessKey
 * callers reach those: a console session there throws.
 */
export function identityHeaders(who: Caller, decision: Decision, requestId: string): string[] {
  const caller = keyCallerOnly(who);
  return [
    IDENTITY_HEADERS.accountId,
    caller.accountId,
    IDENTITY_HEADERS.principal,
    principalOf(caller),
    IDENTITY_HEADERS.accessKeyId,
    caller.accessKeyId,
    IDENTITY_HEADERS.credentialType,
    caller.type === 'assumed-role' ? 'temporary' : 'permanent',
    IDENTITY_HEADERS.policyVersion,
    String(decision.policyVersion),
    IDENTITY_HEADERS.requestId,
    requestId,
  ];
}
