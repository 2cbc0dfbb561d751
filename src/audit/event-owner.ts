import type { RequestRecord } from '../request/request-record.js';
import type { AccessKeyPrincipal, AccountId } from '../store/index.js';

/**
 * Refusals that request verification only reaches after the signature checked out (docs/auth.md:
 * syntax, time, credential, signature, credential state, nonce): whoever sent the request holds
 * the key's secret, so the call is the key owner's business even though it was refused.
 */
const REFUSALS_AFTER_SIGNATURE: ReadonlySet<string> = new Set([
  'InvalidAccessKeyId.Inactive',
  'InvalidSecurityToken.MismatchWithAccessKey',
  'InvalidSecurityToken.Expired',
  'MissingSecurityToken',
  'SignatureNonceUsed',
  'Throttling.User',
]);

/**
 * The AccessKey whose holder the event names, when the store must be asked who that is: a RAM
 * user's or a role's key (for the user and role IDs a caller does not carry), or the key a
 * refused request proved it holds. Null when nothing needs looking up: the root identity's ID is
 * its account's, and a key a request merely named proves nothing.
 */
export function keyToResolve(record: RequestRecord): string | null {
  const { caller } = record;
  if (caller !== null)
    return caller.type === 'ram-user' || caller.type === 'assumed-role' ? caller.accessKeyId : null;
  return provedKey(record);
}

/**
 * The account an event belongs to: the caller's, or for a refused request that proved it holds
 * a key, that key's owner's. Otherwise none: anyone can name any AccessKeyId, and attributing
 * such requests to the key's account would let anyone who knows a key ID (they are not secret)
 * fill that account's audit log.
 */
export function ownerOf(record: RequestRecord, principal: AccessKeyPrincipal | undefined): AccountId | null {
  if (record.caller !== null) return record.caller.accountId;
  if (record.consoleUser != null) return record.consoleUser.accountId;
  return principal !== undefined && provedKey(record) !== null ? principal.accountId : null;
}

function provedKey(record: RequestRecord): string | null {
  return record.errorCode !== null && REFUSALS_AFTER_SIGNATURE.has(record.errorCode)
    ? record.claimedAccessKeyId
    : null;
}
