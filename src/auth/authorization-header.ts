import { err, ok, type Result } from '../common/result.js';
import { AuthError, IncompleteSignatureReason } from './auth-error.js';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** The three fields of an ACS3 `Authorization` header. */
export interface Acs3Authorization {
  readonly accessKeyId: string;
  /** Lower-case, ascending, unique. */
  readonly signedHeaders: readonly string[];
  /** 64 lower-case hex digits. */
  readonly signature: string;
}

// Exactly what the SDKs write: one space, no spaces after the commas, this
// field order. The Credential is any run of visible characters but `,`: whether it names a key is
// the lookup's business.
const acs3Shape =
  /^ACS3-HMAC-SHA256 Credential=([\x21-\x2b\x2d-\x7e]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/;
// An HTTP token (RFC 9110) in lower case.
const headerName = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
// `ACS3-HMAC-SM3`, `ACS3-RSA-SHA256`, the ROA `acs <id>:<sig>` scheme, … are recognisable but not
// supported; anything without such a leading word is not an Alibaba signature at all.
const algorithmWord = /^[A-Za-z0-9-]+ \S/;

export function parseAcs3Authorization(value: string): Result<Acs3Authorization, AuthError> {
  const match = acs3Shape.exec(value);
  if (match === null) {
    const otherAlgorithm = algorithmWord.test(value) && !value.startsWith(`${ACS3_ALGORITHM} `);
    return err(
      otherAlgorithm
        ? AuthError.of('InvalidSignatureMethod')
        : AuthError.incompleteSignature(IncompleteSignatureReason.AuthorizationSyntax),
    );
  }
  const [, accessKeyId, signedHeaderList, signature] = match as unknown as [string, string, string, string];
  const signedHeaders = signedHeaderList.split(';');
  const wellFormed = signedHeaders.every(
    (name, i) => headerName.test(name) && (i === 0 || signedHeaders[i - 1]! < name),
  );
  if (!wellFormed) return err(AuthError.incompleteSignature(IncompleteSignatureReason.SignedHeadersSyntax));
  return ok({ accessKeyId, signedHeaders, signature });
}

export function formatAcs3Authorization({
  accessKeyId,
  signedHeaders,
  signature,
}: Acs3Authorization): string {
  return `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
}
