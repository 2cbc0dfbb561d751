import { parseCidr } from '../net/cidr.js';
import { isVpcId } from '../policy/vpc-id.js';
import { isVpcEndpointId } from '../request/source/proxy-protocol/proxy-header.js';
import { type ForwardedHeader, TrustedProxies } from '../request/source/trusted-proxies.js';
import {
  itemPath,
  keyPath,
  type Problems,
  readArray,
  readMap,
  readString,
  type Setting,
  shown,
} from './config-values.js';

/** `trustedProxies` / `--trusted-proxy` / `KEYFENCE_TRUSTED_PROXIES`: CIDRs, strictly parsed. */
export function readTrustedProxies(
  setting: Setting | undefined,
  forwardedHeader: ForwardedHeader,
  problems: Problems,
): TrustedProxies | undefined {
  const list = setting === undefined ? [] : readArray(setting.value, setting.path, problems);
  if (list === undefined) return undefined;
  const entries: string[] = [];
  list.forEach((value, i) => {
    const path = itemPath(setting!, i);
    const text = readString(value, path, problems);
    if (text === undefined) return;
    const cidr = parseCidr(text);
    if (cidr.ok) entries.push(text);
    else problems.invalid(path, cidr.error.message);
  });
  if (entries.length !== list.length) return undefined;
  const parsed = TrustedProxies.parse(entries, forwardedHeader);
  return parsed.ok ? parsed.value : undefined;
}

/** `vpcEndpoints`: VPC endpoint ID → VPC ID. */
export function readVpcEndpoints(value: unknown, problems: Problems): ReadonlyMap<string, string> {
  const endpoints = new Map<string, string>();
  if (value === undefined) return endpoints;
  const map = readMap(value, 'vpcEndpoints', problems) ?? {};
  for (const [endpoint, vpc] of Object.entries(map)) {
    const path = keyPath('vpcEndpoints', endpoint);
    if (!isVpcEndpointId(endpoint)) {
      problems.invalid(path, `${shown(endpoint)} is not a VPC endpoint ID such as vpce-0a1b2c3d4e5f67890`);
      continue;
    }
    const id = readString(vpc, path, problems);
    if (id === undefined) continue;
    if (isVpcId(id)) endpoints.set(endpoint, id);
    else problems.invalid(path, `${shown(id)} is not a VPC ID such as vpc-bp1234567890abcdef`);
  }
  return endpoints;
}
