/**
 * What a request says about itself before any secret is involved: who signed it, when, with
 * which nonce, and the string the signature must be over. Reading one is pure syntax; proving it
 * is verify-request.ts's job.
 */
export interface SignatureClaim {
  readonly signatureVersion: 'v3' | 'v2';
  readonly accessKeyId: string;
  /** The security token presented; an empty one counts as none. */
  readonly securityToken: string | undefined;
  readonly nonce: string;
  /** The signed time (`x-acs-date` or `Timestamp`). */
  readonly requestTime: Date;
  /** From the signed `x-acs-action` (V3) or `Action` (V2); never from an unsigned header. */
  readonly action: string | undefined;
  readonly apiVersion: string | undefined;
  /** Query and form parameters; for V2 without `Signature`. */
  readonly params: ReadonlyMap<string, string>;
  /** The server's string to sign, built from the request as received. */
  readonly stringToSign: string;
  /** The signature the client presented: hex for V3, Base64 for V2. */
  readonly signature: string;
}
