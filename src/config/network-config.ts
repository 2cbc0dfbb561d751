import { z } from 'zod';
import { err, ok } from '../common/result.js';
import { parseCidr } from '../net/cidr.js';
import { isVpcId } from '../policy/vpc-id.js';
import { isVpcEndpointId } from '../request/source/proxy-protocol/proxy-header.js';
import { type ForwardedHeader, TrustedProxies } from '../request/source/trusted-proxies.js';
import { check, list, matching, type Problems, parsedBy, type Setting, shown } from './config-values.js';

// Parsed by src/net, as every address in KeyFence is, so that a CIDR here means what it means
// in a policy; its error says what is wrong.
const cidr = parsedBy((text) => {
  const parsed = parseCidr(text);
  return parsed.ok ? ok(text) : err(parsed.error.message);
});

export const vpcId = matching(isVpcId, (id) => `${shown(id)} is not a VPC ID such as vpc-bp1234567890abcdef`);

/** CIDRs, strictly parsed, whose `forwardedHeader` is believed. */
export const cidrs = (forwardedHeader: ForwardedHeader = 'x-forwarded-for') =>
  list(cidr).transform((entries) => {
    const parsed = TrustedProxies.parse(entries, forwardedHeader);
    // Cannot fail: every entry has passed parseCidr.
    return parsed.ok ? parsed.value : z.NEVER;
  });

/** `trustedProxies` / `--trusted-proxy` / `KEYFENCE_TRUSTED_PROXIES`; none when not given. */
export const readTrustedProxies = (
  setting: Setting | undefined,
  forwardedHeader: ForwardedHeader,
  problems: Problems,
): TrustedProxies | undefined => check(cidrs(forwardedHeader), setting ?? { value: [], path: '' }, problems);

/** `vpcEndpoints`: VPC endpoint ID → VPC ID. */
export const vpcEndpoints = z
  .record(z.string().refine(isVpcEndpointId), vpcId, {
    error: (issue) =>
      issue.code === 'invalid_key'
        ? `${shown(issue.input)} is not a VPC endpoint ID such as vpce-0a1b2c3d4e5f67890`
        : `expected an object, got ${shown(issue.input)}`,
  })
  .transform((map) => new Map(Object.entries(map)));
