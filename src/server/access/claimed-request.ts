import { isFormUrlEncoded, mergeParams, paramsByName, parseParams } from '../../auth/request-params.js';
import { headerValue, type SignedRequest } from '../../auth/signed-request.js';

/** What a request says about itself, unverified: for the record of a request that failed authentication. */
export interface ClaimedRequest {
  readonly accessKeyId: string | null;
  readonly action: string | null;
  readonly version: string | null;
}

const MAX_CLAIM = 128;
const credentialOf = /^ACS3-[A-Z0-9-]+ Credential=([^,]+),/;

function bounded(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value.slice(0, MAX_CLAIM);
}

/**
 * Reads the AccessKeyId, Action and Version a request names, the way the verifier would have
 * found them (Authorization Credential or `x-acs-*` headers under V3, parameters under V2).
 * Only called once authentication has failed, so the cost stays off the path of good requests;
 * nothing here is trusted, and anything unreadable is simply null.
 */
export function claimedRequest(request: SignedRequest): ClaimedRequest {
  const authorization = headerValue(request, 'authorization');
  const params = unverifiedParams(request);
  const header = (name: string) => {
    const value = headerValue(request, name);
    return value.ok ? value.value?.trim() : undefined;
  };
  const credential = authorization.ok ? authorization.value?.match(credentialOf)?.[1] : undefined;
  return {
    accessKeyId: bounded(credential ?? params?.get('AccessKeyId')),
    action: bounded(header('x-acs-action') ?? params?.get('Action')),
    version: bounded(header('x-acs-version') ?? params?.get('Version')),
  };
}

/**
 * The request's query and form parameters merged, read as the verifier reads them, unverified;
 * undefined when the query or the merge is unreadable (an unreadable form counts as none).
 */
export function unverifiedParams(request: SignedRequest): ReadonlyMap<string, string> | undefined {
  // No body (forward-auth, the gateway): the query alone, read in one pass.
  if (request.body === null || request.body.length === 0) return paramsByName(request.rawQuery);
  const query = parseParams(request.rawQuery);
  if (!query.ok) return undefined;
  const contentType = headerValue(request, 'content-type');
  const form =
    contentType.ok && isFormUrlEncoded(contentType.value)
      ? parseParams(request.body.toString('latin1'))
      : undefined;
  const merged = mergeParams(query.value, form?.ok ? form.value : []);
  return merged.ok ? merged.value : undefined;
}
