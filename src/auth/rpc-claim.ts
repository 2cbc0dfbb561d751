import { parseAlibabaTime } from '../common/alibaba-time.js';
import { err, ok, type Result } from '../common/result.js';
import { AuthError, type AuthErrorCode, IncompleteSignatureReason } from './auth-error.js';
import { RPC_SIGNATURE_METHOD, RPC_SIGNATURE_VERSION, rpcStringToSign } from './rpc-signature.js';
import type { SignatureClaim } from './signature-claim.js';
import { headerValue, type SignedRequest } from './signed-request.js';

/**
 * Reads an HMAC-SHA1 RPC request (docs/auth.md) from its merged query and form parameters.
 * `bodyIsForm` says whether the body's parameters are among them.
 */
export function readRpcClaim(
  request: SignedRequest,
  params: ReadonlyMap<string, string>,
  bodyIsForm: boolean,
): Result<SignatureClaim, AuthError> {
  const required = (name: string, missing: AuthErrorCode): Result<string, AuthError> => {
    const value = params.get(name);
    return value === undefined || value === '' ? err(AuthError.of(missing)) : ok(value);
  };
  // First: a request naming no key is unsigned, whatever its path or body, and is told so.
  const accessKeyId = required('AccessKeyId', 'MissingAccessKeyId');
  if (!accessKeyId.ok) return accessKeyId;
  // Only the method and the parameters are signed; refuse what would otherwise ride along unsigned.
  if (request.path !== '/') {
    return err(AuthError.incompleteSignature(IncompleteSignatureReason.RpcPathNotSigned));
  }
  if (request.body !== null && request.body.length > 0 && !bodyIsForm) {
    return err(AuthError.incompleteSignature(IncompleteSignatureReason.RpcBodyNotSigned));
  }
  const signature = required('Signature', 'MissingSignature');
  if (!signature.ok) return signature;
  const method = required('SignatureMethod', 'MissingSignatureMethod');
  if (!method.ok) return method;
  if (method.value !== RPC_SIGNATURE_METHOD) return err(AuthError.of('InvalidSignatureMethod'));
  const version = required('SignatureVersion', 'MissingSignatureVersion');
  if (!version.ok) return version;
  if (version.value !== RPC_SIGNATURE_VERSION) return err(AuthError.of('InvalidSignatureVersion'));
  const nonce = required('SignatureNonce', 'MissingSignatureNonce');
  if (!nonce.ok) return nonce;
  const timestamp = required('Timestamp', 'MissingTimestamp');
  if (!timestamp.ok) return timestamp;
  const requestTime = parseAlibabaTime(timestamp.value);
  if (requestTime === undefined) return err(AuthError.of('InvalidTimeStamp.Format'));

  const action = params.get('Action');
  const apiVersion = params.get('Version');
  // The SDKs also send x-acs-action and x-acs-version in V2 mode, unsigned. Code that reads those
  // headers instead of the verified Action/Version must not be steerable by them.
  for (const [header, signedValue] of [
    ['x-acs-action', action],
    ['x-acs-version', apiVersion],
  ] as const) {
    const value = headerValue(request, header);
    if (!value.ok) return value;
    if (value.value !== undefined && value.value.trim() !== signedValue) {
      return err(AuthError.incompleteSignature(IncompleteSignatureReason.RpcUnsignedHeaderMismatch));
    }
  }

  const signedParams = new Map(params);
  signedParams.delete('Signature');
  return ok({
    signatureVersion: 'v2',
    accessKeyId: accessKeyId.value,
    securityToken: params.get('SecurityToken') || undefined,
    nonce: nonce.value,
    requestTime,
    action,
    apiVersion,
    params: signedParams,
    stringToSign: rpcStringToSign(request.method, signedParams),
    signature: signature.value,
  });
}
