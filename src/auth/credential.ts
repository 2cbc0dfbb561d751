/**
 * What verification needs to know about an AccessKey. The caller's lookup may return richer
 * objects (the owning principal, a role ARN, …): they come back in the verified result as given,
 * minus the secret and the security token.
 */
export interface PermanentCredential {
  readonly kind: 'permanent';
  readonly accessKeyId: string;
  readonly secret: string;
  readonly status: 'Active' | 'Inactive';
  readonly accountId: string;
}

/** STS credentials: valid only with their security token, and only until they expire. */
export interface TemporaryCredential {
  readonly kind: 'temporary';
  readonly accessKeyId: string;
  readonly secret: string;
  readonly securityToken: string;
  readonly expiresAt: Date;
  readonly accountId: string;
}

export type Credential = PermanentCredential | TemporaryCredential;

/**
 * Finds a credential by AccessKey ID, or null when there is none. It is called only for IDs that
 * arrive in a well-formed request; a rejected promise (a database outage) propagates unchanged,
 * since it is not an answer about the request.
 */
export type LookupCredential<C extends Credential = Credential> = (accessKeyId: string) => Promise<C | null>;

/** A credential as verification hands it on: everything the lookup returned but the secrets. */
export type AuthenticatedCredential<C extends Credential = Credential> = C extends unknown
  ? Omit<C, 'secret' | 'securityToken'>
  : never;

export function withoutSecrets<C extends Credential>(credential: C): AuthenticatedCredential<C> {
  const {
    secret: _secret,
    securityToken: _securityToken,
    ...rest
  } = credential as C & { securityToken?: string };
  return Object.freeze(rest) as AuthenticatedCredential<C>;
}
