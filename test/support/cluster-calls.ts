import assert from 'node:assert/strict';
import type { ClusterNode } from './cluster.js';
import { type Credentials, call, type Reply } from './server-harness.js';

export const STS_VERSION = '2015-04-01';

export function policy(status: 'Active' | 'Inactive', ...ips: string[]): string {
  return JSON.stringify({
    Version: 1,
    Status: status,
    Statements: ips.length === 0 ? [] : [{ Type: 'ClassicWhiteList', IPList: ips }],
  });
}

/** A new AccessKey of the root identity, created through `node`. */
export async function createRootKey(node: ClusterNode, root: Credentials): Promise<Credentials> {
  const reply = await call(node.port, { action: 'CreateAccessKey', credentials: root });
  assert.equal(reply.status, 200, reply.text);
  return {
    accessKeyId: reply.body.AccessKey.AccessKeyId,
    accessKeySecret: reply.body.AccessKey.AccessKeySecret,
  };
}

/** SetAccessKeyPolicy on `key` through `node`; returns the receipt's PolicyVersion. */
export async function setKeyPolicy(
  node: ClusterNode,
  root: Credentials,
  key: Credentials,
  document: string,
): Promise<number> {
  const reply = await call(node.port, {
    action: 'SetAccessKeyPolicy',
    credentials: root,
    params: { UserAccessKeyId: key.accessKeyId, AccessKeyPolicy: document },
  });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(typeof reply.body.PolicyVersion, 'number');
  return reply.body.PolicyVersion;
}

/** A signed STS GetCallerIdentity with `key` through `node`, from `sourceIp` when given (trusted proxy). */
export function probe(node: ClusterNode, key: Credentials, sourceIp?: string): Promise<Reply> {
  return call(node.port, {
    action: 'GetCallerIdentity',
    version: STS_VERSION,
    credentials: key,
    ...(sourceIp === undefined ? {} : { headers: { 'x-forwarded-for': sourceIp } }),
  });
}

/** Whether the call was allowed (200) or denied by the network ACL (400 AccessPolicyDenied); anything else fails. */
export function verdict(reply: Reply): boolean {
  if (reply.status === 200) return true;
  assert.equal(reply.body?.Code, 'InvalidAccessKeyId.AccessPolicyDenied', reply.text);
  return false;
}
