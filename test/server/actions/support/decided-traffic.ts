import fc from 'fast-check';
import type { NewAuditEvent } from '../../../../src/store/index.js';
import { seededEvent } from './seeded-event.js';

const HOUR = 3_600_000;

/** A call of one of a run's three keys from one of its sources, allowed or denied by the ACL. */
export interface DecidedTraffic {
  readonly key: number;
  readonly source: number;
  readonly vpc: string | null;
  /** Whole hours and a half before the run's start. */
  readonly hoursAgo: number;
  readonly denied: boolean;
  /** Calls of a coalesced event; a denial is one call. */
  readonly count: number;
}

/** Traffic over the last six days from `sources` addresses, in one of `vpcs` (null: none). */
export function aDecidedTraffic(
  sources: number,
  vpcs: readonly (string | null)[],
): fc.Arbitrary<DecidedTraffic> {
  return fc.record({
    key: fc.nat(2),
    source: fc.nat(sources - 1),
    vpc: fc.constantFrom(...vpcs),
    hoursAgo: fc.nat(6 * 24),
    denied: fc.boolean(),
    count: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 50 })),
  });
}

/** `traffic` of `accessKeyId` from `sourceIp` as the audit log stores it (seededEvent). */
export function decidedEvent(
  prefix: string,
  accountId: NewAuditEvent['accountId'],
  accessKeyId: string,
  sourceIp: string,
  traffic: DecidedTraffic,
  start: number,
): NewAuditEvent {
  const errorCode = traffic.denied ? 'InvalidAccessKeyId.AccessPolicyDenied' : null;
  return seededEvent(prefix, {
    accountId,
    accessKeyId,
    userName: 'bob',
    sourceIp,
    vpcId: traffic.vpc,
    service: null,
    errorCode,
    count: errorCode === null ? traffic.count : 1,
    at: start - traffic.hoursAgo * HOUR - HOUR / 2,
  });
}
