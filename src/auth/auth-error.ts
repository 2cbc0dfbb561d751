import { KeyFenceError } from '../common/keyfence-error.js';

/**
 * Every way a request's authentication can fail, with the HTTP status and the message the
 * Alibaba-compatible API answers. Codes are Alibaba's where Alibaba has one (with the
 * gateway's `Missing{ParameterName}` family); docs/auth.md marks the few KeyFence adds.
 *
 * Messages are fixed text. The one exception is `SignatureDoesNotMatch`, which carries the
 * server's string to sign exactly as Alibaba does, so a client can diff it against its own; a
 * string to sign is built from the request alone and never holds a secret or a signature.
 */
export const authErrorCatalogue = {
  MissingAccessKeyId: { httpStatus: 400, message: 'AccessKeyId is mandatory for this action.' },
  MissingSignature: { httpStatus: 400, message: 'Signature is mandatory for this action.' },
  MissingSignatureMethod: { httpStatus: 400, message: 'SignatureMethod is mandatory for this action.' },
  MissingSignatureVersion: { httpStatus: 400, message: 'SignatureVersion is mandatory for this action.' },
  MissingSignatureNonce: { httpStatus: 400, message: 'SignatureNonce is mandatory for this action.' },
  MissingTimestamp: { httpStatus: 400, message: 'Timestamp is mandatory for this action.' },
  MissingSecurityToken: { httpStatus: 400, message: 'SecurityToken is mandatory for this action.' },
  IncompleteSignature: {
    httpStatus: 400,
    message: 'The request signature does not conform to Aliyun standards.',
  },
  InvalidSignatureMethod: { httpStatus: 400, message: 'Specified signature method is not supported.' },
  InvalidSignatureVersion: { httpStatus: 400, message: 'Specified signature version is not supported.' },
  'InvalidParameter.Malformed': {
    httpStatus: 400,
    message: 'A query or form parameter is not well formed: empty name, bad percent-encoding or bad UTF-8.',
  },
  'InvalidParameter.Duplicate': { httpStatus: 400, message: 'A request parameter is given more than once.' },
  'InvalidTimeStamp.Format': {
    httpStatus: 400,
    message: 'Specified time stamp or date value is not well formatted.',
  },
  'InvalidTimeStamp.Expired': { httpStatus: 400, message: 'Specified time stamp or date value is expired.' },
  'InvalidAccessKeyId.NotFound': { httpStatus: 404, message: 'Specified access key is not found.' },
  'InvalidAccessKeyId.Inactive': { httpStatus: 400, message: 'Specified access key is disabled.' },
  SignatureDoesNotMatch: {
    httpStatus: 400,
    message: 'Specified signature is not matched with our calculation.',
  },
  'InvalidSecurityToken.MismatchWithAccessKey': {
    httpStatus: 400,
    message: 'Specified SecurityToken mismatch with the AccessKey.',
  },
  'InvalidSecurityToken.Expired': { httpStatus: 400, message: 'Specified SecurityToken is expired.' },
  SignatureNonceUsed: { httpStatus: 400, message: 'Specified signature nonce was used already.' },
  'Throttling.User': { httpStatus: 400, message: 'Request was denied due to user flow control.' },
  ServiceUnavailable: {
    httpStatus: 503,
    message: 'The request has failed due to a temporary failure of the server.',
  },
} as const satisfies Record<string, { readonly httpStatus: number; readonly message: string }>;

export type AuthErrorCode = keyof typeof authErrorCatalogue;

/** Why a signature is `IncompleteSignature`; fixed sentences, so no request input reaches a message. */
export const IncompleteSignatureReason = {
  AuthorizationSyntax:
    'The Authorization header must read "ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<h1;h2;...>,' +
    'Signature=<64 lower-case hex digits>".',
  SignedHeadersSyntax: 'SignedHeaders must list lower-case header names in ascending order, each once.',
  HostNotSigned: 'The host header is required and must be signed.',
  DateNotSigned: 'The x-acs-date header is required and must be signed.',
  NonceNotSigned: 'The x-acs-signature-nonce header is required and must be signed.',
  ContentHashNotSigned: 'The x-acs-content-sha256 header is required and must be signed.',
  HeaderNotSigned: 'Every x-acs-* header and content-type, when present, must be signed.',
  SignedHeaderAbsent: 'A header named in SignedHeaders is not in the request.',
  HeaderRepeated: 'A header the signature depends on is given more than once.',
  AccessKeyIdHeaderMismatch:
    'The x-acs-accesskey-id header differs from the Credential of the Authorization header.',
  RpcPathNotSigned: 'An HMAC-SHA1 signature does not cover the path, so it is accepted only for the path /.',
  RpcBodyNotSigned:
    'An HMAC-SHA1 signature covers a request body only when it is application/x-www-form-urlencoded.',
  RpcUnsignedHeaderMismatch:
    'The unsigned x-acs-action or x-acs-version header differs from Action or Version.',
} as const;

export type IncompleteSignatureReason =
  (typeof IncompleteSignatureReason)[keyof typeof IncompleteSignatureReason];

export class AuthError extends KeyFenceError {
  declare readonly code: AuthErrorCode;
  readonly httpStatus: number;

  /** Only this module may choose a message other than the catalogue's: see the helpers below. */
  private constructor(code: AuthErrorCode, message: string) {
    super(code, message);
    this.httpStatus = authErrorCatalogue[code].httpStatus;
  }

  static of(code: AuthErrorCode): AuthError {
    return new AuthError(code, authErrorCatalogue[code].message);
  }

  static incompleteSignature(reason: IncompleteSignatureReason): AuthError {
    return new AuthError(
      'IncompleteSignature',
      `${authErrorCatalogue.IncompleteSignature.message} ${reason}`,
    );
  }

  /** Alibaba's two wordings, one per algorithm, so SDK diagnostics recognise them. */
  static signatureDoesNotMatch(signatureVersion: 'v3' | 'v2', stringToSign: string): AuthError {
    const message =
      signatureVersion === 'v3'
        ? `Specified signature does not match our calculation. server StringToSign is [${stringToSign}]`
        : `${authErrorCatalogue.SignatureDoesNotMatch.message} server string to sign is:${stringToSign}`;
    return new AuthError('SignatureDoesNotMatch', message);
  }

  /** The body is part of what a V3 signature covers, so a body that differs from its hash is a mismatch. */
  static contentHashDoesNotMatch(): AuthError {
    return new AuthError(
      'SignatureDoesNotMatch',
      'Specified x-acs-content-sha256 does not match the SHA-256 of the request body.',
    );
  }
}
