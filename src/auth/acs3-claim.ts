import { parseAlibabaTime } from '../common/alibaba-time.js';
import { err, ok, type Result } from '../common/result.js';
import { sha256Hex } from '../common/sha256-hex.js';
import { acs3CanonicalRequest, acs3StringToSign } from './acs3-signature.js';
import { AuthError, IncompleteSignatureReason } from './auth-error.js';
import { parseAcs3Authorization } from './authorization-header.js';
import type { Param } from './request-params.js';
import type { SignatureClaim } from './signature-claim.js';
import { headerValue, type SignedRequest } from './signed-request.js';

/**
 * Headers verification itself depends on: without them signed there is no binding to a host, a
 * time, a nonce or a body. `x-acs-action` and `x-acs-version` are not in this list: when present
 * they are signed by the x-acs-* rule, and a request without them names no API to call.
 */
const requiredSignedHeaders = [
  ['host', IncompleteSignatureReason.HostNotSigned],
  ['x-acs-content-sha256', IncompleteSignatureReason.ContentHashNotSigned],
  ['x-acs-date', IncompleteSignatureReason.DateNotSigned],
  ['x-acs-signature-nonce', IncompleteSignatureReason.NonceNotSigned],
] as const;

const sha256Shape = /^[0-9a-f]{64}$/;
/** Bodiless requests (the gateway's GETs) are many: their hash is known. */
const EMPTY_SHA256 = sha256Hex(new Uint8Array(0));

/**
 * Headers that must be signed whenever they are present, as the V3 document requires. Names are
 * lower-cased here although SignedRequest promises lower case: a caller breaking that promise
 * must get a refusal, not an unsigned x-acs header slipping past.
 */
const mustBeSigned = (name: string) => {
  const lower = name.toLowerCase();
  return lower === 'content-type' || lower.startsWith('x-acs-');
};

/**
 * Reads an ACS3-HMAC-SHA256 request (docs/auth.md): the Authorization header, the signed headers
 * taken from the request as received, and the body hash checked against the body itself.
 */
export function readAcs3Claim(
  request: SignedRequest,
  authorization: string,
  query: readonly Param[],
  params: ReadonlyMap<string, string>,
): Result<SignatureClaim, AuthError> {
  const parsed = parseAcs3Authorization(authorization);
  if (!parsed.ok) return parsed;
  const { accessKeyId, signedHeaders, signature } = parsed.value;
  const signed = new Set(signedHeaders);

  for (const [name, reason] of requiredSignedHeaders) {
    if (!signed.has(name)) return err(AuthError.incompleteSignature(reason));
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && mustBeSigned(name) && !signed.has(name)) {
      return err(AuthError.incompleteSignature(IncompleteSignatureReason.HeaderNotSigned));
    }
  }

  const headers: [string, string][] = [];
  const values = new Map<string, string>();
  for (const name of signedHeaders) {
    const value = headerValue(request, name);
    if (!value.ok) return value;
    if (value.value === undefined) {
      return err(AuthError.incompleteSignature(IncompleteSignatureReason.SignedHeaderAbsent));
    }
    headers.push([name, value.value]);
    // Canonical headers are trimmed, so the trimmed value is the one the signature vouches for.
    values.set(name, value.value.trim());
  }

  const requestTime = parseAlibabaTime(values.get('x-acs-date')!);
  if (requestTime === undefined) return err(AuthError.of('InvalidTimeStamp.Format'));
  const nonce = values.get('x-acs-signature-nonce')!;
  if (nonce === '') return err(AuthError.of('MissingSignatureNonce'));
  const statedHash = values.get('x-acs-content-sha256')!;
  // Without the body, the signed hash stands for it; only a well-formed one can later be compared.
  const payloadHash =
    request.body === null ? statedHash : request.body.length === 0 ? EMPTY_SHA256 : sha256Hex(request.body);
  if (statedHash !== payloadHash || !sha256Shape.test(statedHash)) {
    return err(AuthError.contentHashDoesNotMatch());
  }
  const statedAccessKeyId = values.get('x-acs-accesskey-id');
  if (statedAccessKeyId !== undefined && statedAccessKeyId !== accessKeyId) {
    return err(AuthError.incompleteSignature(IncompleteSignatureReason.AccessKeyIdHeaderMismatch));
  }

  const canonicalRequest = acs3CanonicalRequest({
    method: request.method,
    path: request.path,
    query,
    headers,
    payloadHash,
  });
  return ok({
    signatureVersion: 'v3',
    accessKeyId,
    securityToken: values.get('x-acs-security-token') || undefined,
    nonce,
    requestTime,
    action: values.get('x-acs-action'),
    apiVersion: values.get('x-acs-version'),
    params,
    stringToSign: acs3StringToSign(canonicalRequest),
    signature,
  });
}
