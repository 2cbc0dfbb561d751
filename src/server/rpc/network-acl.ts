import { formatAddress, parseAddress } from '../../net/address.js';
import type { Decision } from '../../policy/decision.js';
import type { Product } from './action.js';
import { ApiError } from './api-error.js';

/** The service code a product's calls are decided under (`--exempt-service` takes these). */
export const SERVICE_OF: Readonly<Record<Product, string>> = Object.freeze({
  Ims: 'ims',
  Ram: 'ram',
  Sts: 'sts',
  Actiontrail: 'actiontrail',
});

/**
 * An address as logs and error bodies show it: an IPv4-mapped IPv6 peer (`::ffff:192.0.2.1`, what a
 * dual-stack socket reports) as the IPv4 address the decision treated it as; anything that does
 * not parse, as it is.
 */
export function displayAddress(ip: string): string {
  if (!ip.includes(':')) return ip;
  const parsed = parseAddress(ip);
  return parsed.ok ? formatAddress(parsed.value) : ip;
}

/**
 * The denial of DESIGN §6: HTTP 400, Alibaba's code and message, and an `AccessDeniedDetail` naming
 * the source, the scope whose policy denied and that policy's version. `sourceIp` is the address
 * the decision saw (for an unreadable forwarded address: the TCP peer's).
 */
export function accessPolicyDenied(
  decision: Decision,
  sourceIp: string,
  vpcId: string | undefined,
): ApiError {
  return new ApiError(
    'InvalidAccessKeyId.AccessPolicyDenied',
    400,
    'Specified access key denied due to access policy.',
    {
      AccessDeniedDetail: {
        SourceIp: displayAddress(sourceIp),
        VpcId: vpcId ?? null,
        DeniedBy:
          decision.scope === 'accessKey' ? 'AccessKey' : decision.scope === 'account' ? 'Account' : null,
        PolicyVersion: decision.policyVersion,
        Reason: decision.reason,
      },
    },
  );
}
