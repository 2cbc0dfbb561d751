import { formatAddress, parseAddress } from '../../../../net/address.js';
import type { Source } from '../../../../policy/decision.js';
import { isVpcId } from '../../../../policy/vpc-id.js';
import {
  accessCheckErrors,
  invalidParameter,
  missingParameter,
  mutuallyExclusive,
} from '../../../errors/api-error.js';
import { optionalText, type Params } from '../../support/params.js';

/** What CheckAccessKeyAccess is asked: a key from a source, or the call a RequestId names. */
export type AccessCheckRequest =
  | {
      readonly kind: 'source';
      readonly accessKeyId: string;
      readonly source: Source;
      /** The service code to decide under; '' for none, which no exemption names. */
      readonly service: string;
    }
  | { readonly kind: 'request'; readonly requestId: string };

const accessKeyIdRule = { maxLength: 128 };
// The service codes `--exempt-service` takes.
const serviceRule = {
  maxLength: 63,
  pattern: /^[a-z][a-z0-9-]{0,62}$/,
  shape: 'a lower-case service code such as ims or ecs',
};
const vpcIdRule = { maxLength: 36 };
const uuid = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const requestIdRule = { maxLength: 36, pattern: uuid, shape: 'a RequestId (a UUID)' };
// Parameters that describe the call to check: with RequestId, the recorded call describes it.
const SOURCE_PARAMETERS = ['SourceIp', 'VpcId', 'Service'] as const;

/** The parameters of CheckAccessKeyAccess, validated: exactly one of AccessKeyId and RequestId. */
export function readAccessCheckRequest(params: Params): AccessCheckRequest {
  const accessKeyId = optionalText(params, 'AccessKeyId', accessKeyIdRule);
  const requestId = optionalText(params, 'RequestId', requestIdRule);
  if (requestId !== undefined) {
    if (accessKeyId !== undefined) throw mutuallyExclusive('AccessKeyId', 'RequestId');
    const extra = SOURCE_PARAMETERS.find((name) => params[name] !== undefined && params[name] !== '');
    if (extra !== undefined) throw mutuallyExclusive(extra, 'RequestId');
    // RequestIds are upper case; a client may have lowered one.
    return { kind: 'request', requestId: requestId.toUpperCase() };
  }
  if (accessKeyId === undefined) throw accessCheckErrors.nothingToCheck();
  return { kind: 'source', accessKeyId, source: readSource(params), service: readService(params) };
}

function readSource(params: Params): Source {
  const ip = params.SourceIp;
  if (ip === undefined || ip === '') throw missingParameter('SourceIp');
  const address = parseAddress(ip);
  if (!address.ok) throw invalidParameter('SourceIp', 'it must be an IPv4 or IPv6 address.');
  const vpcId = optionalText(params, 'VpcId', vpcIdRule);
  if (vpcId !== undefined && !isVpcId(vpcId)) {
    throw invalidParameter('VpcId', 'it must be a VPC ID such as vpc-bp1234567890abcdef.');
  }
  // The canonical form: an IPv4-mapped address is the IPv4 address the decision treats it as.
  const canonical = formatAddress(address.value);
  return vpcId === undefined ? { ip: canonical } : { ip: canonical, vpcId };
}

function readService(params: Params): string {
  return optionalText(params, 'Service', serviceRule) ?? '';
}
