import { timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../common/result.js';
import { readAcs3Claim } from './acs3-claim.js';
import { acs3Signature } from './acs3-signature.js';
import { AuthError, type AuthErrorCode } from './auth-error.js';
import {
  type AuthenticatedCredential,
  type Credential,
  type LookupCredential,
  withoutSecrets,
} from './credential.js';
import { credentialRefusal } from './credential-state.js';
import type { NonceLedger } from './nonce-ledger.js';
import type { Admission, ReplayGuard } from './replay-guard.js';
import { isFormUrlEncoded, mergeParams, type Param, parseParams } from './request-params.js';
import { isWithinWindow } from './request-time.js';
import { readRpcClaim } from './rpc-claim.js';
import { rpcSignature } from './rpc-signature.js';
import type { SignatureClaim } from './signature-claim.js';
import { headerValue, type SignedRequest } from './signed-request.js';

export interface VerifyOptions<C extends Credential = Credential> {
  readonly lookupCredential: LookupCredential<C>;
  /** Shared by every request of the process; its window is also the time check's window. */
  readonly replayGuard: ReplayGuard;
  /**
   * Where a nonce the guard admitted is claimed beyond this process (restarts, other nodes);
   * without it, the guard alone decides.
   */
  readonly nonceLedger?: NonceLedger;
  /** The server clock, injectable for tests. */
  readonly now?: () => Date;
}

export interface VerifiedRequest<C extends Credential = Credential> {
  readonly credential: AuthenticatedCredential<C>;
  readonly signatureVersion: 'v3' | 'v2';
  /** The API to call, from what was signed: `x-acs-action` (V3) or `Action` (V2). */
  readonly action?: string;
  readonly version?: string;
  /**
   * Query and form parameters, decoded; for V2 without `Signature`. A null-prototype object, so a
   * parameter named `__proto__` or `constructor` is just a parameter.
   */
  readonly params: Readonly<Record<string, string>>;
}

// Alibaba's IDs are letters and digits, STS ones prefixed `STS.`; the lookup never sees anything
// that cannot be an ID, however a request spells it.
const accessKeyIdShape = /^[0-9A-Za-z._-]{1,128}$/;

const admissionRefusals: Record<Exclude<Admission, 'admitted'>, AuthErrorCode> = {
  replayed: 'SignatureNonceUsed',
  expired: 'InvalidTimeStamp.Expired',
  'key-quota-exceeded': 'Throttling.User',
  full: 'ServiceUnavailable',
};

/**
 * Verifies an Alibaba-signed request: ACS3-HMAC-SHA256 when it has an Authorization header,
 * HMAC-SHA1 RPC otherwise. The order of checks is docs/auth.md's: syntax, time, credential,
 * signature, credential state, nonce. The nonce is recorded last, so that neither forged nor
 * refused requests can fill the replay cache or burn a legitimate client's nonce: first in this
 * process's guard, then, when there is one, in the ledger shared with other nodes and restarts.
 */
export async function verifyRequest<C extends Credential>(
  request: SignedRequest,
  options: VerifyOptions<C>,
): Promise<Result<VerifiedRequest<C>, AuthError>> {
  const now = options.now ?? (() => new Date());
  const read = readClaim(request);
  if (!read.ok) return read;
  const claim = read.value;
  if (!isWithinWindow(claim.requestTime, now(), options.replayGuard.windowMs)) {
    return err(AuthError.of('InvalidTimeStamp.Expired'));
  }

  if (!accessKeyIdShape.test(claim.accessKeyId)) return err(AuthError.of('InvalidAccessKeyId.NotFound'));
  const credential = await options.lookupCredential(claim.accessKeyId);
  // An exact match only: with a lookup that folds case, `ltai…` would find `LTAI…`, verify with
  // its secret (the V3 Credential is not itself signed) and slip past the nonce cache.
  if (credential === null || credential.accessKeyId !== claim.accessKeyId) {
    return err(AuthError.of('InvalidAccessKeyId.NotFound'));
  }

  const expected =
    claim.signatureVersion === 'v3'
      ? acs3Signature(credential.secret, claim.stringToSign)
      : rpcSignature(credential.secret, claim.stringToSign);
  if (!signaturesMatch(expected, claim.signature)) {
    return err(AuthError.signatureDoesNotMatch(claim.signatureVersion, claim.stringToSign));
  }

  const refusal = credentialRefusal(credential, claim.securityToken, now());
  if (refusal !== undefined) return err(refusal);
  const admission = options.replayGuard.admit(credential.accessKeyId, claim.nonce, claim.requestTime, now());
  if (admission !== 'admitted') return err(AuthError.of(admissionRefusals[admission]));
  const ledger = options.nonceLedger;
  if (ledger !== undefined && !(await ledger.claim(credential.accessKeyId, claim.nonce, claim.requestTime))) {
    return err(AuthError.of('SignatureNonceUsed'));
  }

  return ok({
    credential: withoutSecrets(credential),
    signatureVersion: claim.signatureVersion,
    ...(claim.action === undefined ? {} : { action: claim.action }),
    ...(claim.apiVersion === undefined ? {} : { version: claim.apiVersion }),
    params: toRecord(claim.params),
  });
}

/**
 * Whether the presented signature is the expected one, in time independent of where they differ.
 * A length mismatch may return early: the expected length is the algorithm's (64 hex digits for
 * ACS3, 28 base64 characters for HMAC-SHA1), public, and the presented one is the caller's own.
 * Comparing the bytes directly spares the two hashes a general comparison of secrets costs.
 */
function signaturesMatch(expected: string, presented: string): boolean {
  // UTF-8, not latin1: latin1 would fold a character beyond U+00FF onto the byte of another.
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readClaim(request: SignedRequest): Result<SignatureClaim, AuthError> {
  const authorization = headerValue(request, 'authorization');
  if (!authorization.ok) return authorization;
  const contentType = headerValue(request, 'content-type');
  if (!contentType.ok) return contentType;

  const query = parseParams(request.rawQuery);
  if (!query.ok) return query;
  const bodyIsForm = isFormUrlEncoded(contentType.value);
  let form: Param[] = [];
  if (bodyIsForm && request.body !== null) {
    const parsed = parseParams(request.body.toString('latin1'));
    if (!parsed.ok) return parsed;
    form = parsed.value;
  }
  const params = mergeParams(query.value, form);
  if (!params.ok) return params;

  return authorization.value === undefined
    ? readRpcClaim(request, params.value, bodyIsForm)
    : readAcs3Claim(request, authorization.value, query.value, params.value);
}

function toRecord(params: ReadonlyMap<string, string>): Readonly<Record<string, string>> {
  const record: Record<string, string> = Object.create(null);
  for (const [name, value] of params) record[name] = value;
  return Object.freeze(record);
}
