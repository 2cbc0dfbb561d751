/**
 * Audit traffic for the insights flows (AccessKey Audit, Recommend, Check an IP): real signed
 * calls of a key from fixed addresses through the trusted proxy header, and, for a source seen
 * before today, one of those real events stored again as if it had arrived days earlier (no
 * signature is accepted from days ago, and the rollups file a call under the day it arrived).
 */

import assert from 'node:assert/strict';
import type { AccountId } from '../../../src/store/index.js';
import type { Credentials, Reply } from '../../support/server-harness.js';
import type { ConsoleServer } from './console-server.js';

export const STS_VERSION = '2015-04-01';
export const IMS_VERSION = '2019-08-15';
export const KEYFENCE_VERSION = '2026-12-01';
export const DENIED = 'InvalidAccessKeyId.AccessPolicyDenied';
const DAY_MS = 86_400_000;

/** `calls` GetCallerIdentity calls (no RAM permission needed) signed by `key` from `from`, one after another. */
export async function callsFrom(
  server: ConsoleServer,
  key: Credentials,
  from: string,
  calls: number,
): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let i = 0; i < calls; i++)
    replies.push(await server.signed(key, 'GetCallerIdentity', STS_VERSION, {}, from));
  return replies;
}

/** The account-level policy (or `key`'s own, named with its owner's UPN), set by root's key from `from`. */
export async function setPolicy(
  server: ConsoleServer,
  policy: object,
  options: { readonly key?: { accessKeyId: string; upn: string }; readonly from?: string } = {},
): Promise<number> {
  const { key, from } = options;
  const reply = await server.signed(
    server.root,
    key === undefined ? 'SetAccessKeyPolicyForAccount' : 'SetAccessKeyPolicy',
    IMS_VERSION,
    {
      AccessKeyPolicy: JSON.stringify(policy),
      ...(key === undefined ? {} : { UserAccessKeyId: key.accessKeyId, UserPrincipalName: key.upn }),
    },
    from,
  );
  assert.equal(reply.status, 200, reply.text);
  const version = reply.body.PolicyVersion as number;
  await enforced(server, version);
  return version;
}

/** Until the node enforces `version` (it follows the change log every 25 ms). */
async function enforced(server: ConsoleServer, version: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (server.server.status.appliedVersion < version) {
    assert.ok(Date.now() < deadline, `the node never applied version ${version}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * One call of `key` stored as made `daysAgo` days ago from `from`: a copy of the key's latest real
 * event with its time, address and IDs changed, appended the way the audit writer appends (so
 * the key-source rollups count it under that day).
 */
export async function backdatedCall(
  server: ConsoleServer,
  key: Credentials,
  from: string,
  daysAgo: number,
): Promise<void> {
  const [latest] = await server.events({
    'LookupAttribute.1.Key': 'AccessKeyId',
    'LookupAttribute.1.Value': key.accessKeyId,
    MaxResults: '1',
  });
  assert.ok(latest, `no event of ${key.accessKeyId} to copy`);
  const at = new Date(Date.now() - daysAgo * DAY_MS);
  const eventId = `backdated-${daysAgo}-${from}`;
  const event = {
    ...latest,
    eventId,
    requestId: eventId,
    eventTime: `${at.toISOString().slice(0, 19)}Z`,
    sourceIpAddress: from,
  };
  await server.store.appendAuditEvents([
    {
      eventId,
      accountId: server.accountId as AccountId,
      at,
      requestId: eventId,
      accessKeyId: key.accessKeyId,
      userName: (latest.userIdentity as { userName?: string }).userName ?? null,
      eventName: latest.eventName as string,
      serviceName: latest.serviceName as string,
      eventRW: latest.eventRW as 'Read',
      sourceIp: from,
      errorCode: null,
      appliedVersion: null,
      document: JSON.stringify(event),
    },
  ]);
}
