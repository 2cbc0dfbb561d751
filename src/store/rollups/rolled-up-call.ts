import { isAccessKeyId } from '../../common/identifiers.js';
import { DAY_MS } from '../../common/utc-day.js';
import { formatAddress, parseAddress } from '../../net/address.js';

/** The error code of a call denied by a network ACL. */
const ACL_DENIED_CODE = 'InvalidAccessKeyId.AccessPolicyDenied';

/** The fields of a stored event (NewAuditEvent) the rollups read. */
export interface RollupSource {
  readonly accountId: string | null;
  readonly accessKeyId: string | null;
  readonly at: Date;
  readonly sourceIp: string;
  readonly errorCode: string | null;
  /** The whole event, as JSON. */
  readonly document: string;
  /** The fields of `document` the rollups read, when its builder gives them: see NewAuditEvent. */
  readonly rollup?: RollupFields;
}

/**
 * What the rollups read from an event's document: its `vpcId`, and `keyfence.service`,
 * `keyfence.count`, `keyfence.lastTime` and whether `keyfence.candidate.allowed` is false, as
 * they are there.
 */
export interface RollupFields {
  readonly vpcId: string | null;
  readonly service: string | null;
  readonly count: number;
  readonly lastTime: string | null;
  /** A report-only candidate would have denied the call (optional: events before candidates). */
  readonly candidateDenied?: boolean;
}

/** What a key-source rollup takes from one stored event. */
export interface RolledUpCall {
  readonly accountId: string;
  readonly accessKeyId: string;
  /** Canonical text: an IPv4-mapped IPv6 address as IPv4; what does not parse, as it is. */
  readonly sourceIp: string;
  /** The empty string for none: see KeySourceRollupTable. */
  readonly vpcId: string;
  /** The UTC day of `first`, as ms since the epoch at its midnight. */
  readonly day: number;
  readonly outcome: 'allowed' | 'denied' | 'failed';
  /** The service code the call was decided under; null when none was known. */
  readonly service: string | null;
  /** The requests the event stands for (`keyfence.count`; 1 unless coalesced). */
  readonly calls: number;
  /** A report-only candidate would have denied them (all or none: coalescing keeps outcomes apart). */
  readonly candidateDenied: boolean;
  /** The first and latest arrival among them, ms since the epoch: the same UTC second. */
  readonly first: number;
  readonly last: number;
}

/**
 * The call an event counts as in the key-source rollups, or null for an event they leave out:
 * one no account can read, or one whose key is not a permanent AccessKey (an STS key, a key a
 * refused request merely named).
 *
 * The VPC, the service, the count and the latest arrival are only in the event's document. Its
 * builder hands them over beside it (`rollup`); an event without them (one read back from the
 * table by the migration's backfill) has its document parsed for them, which costs several times
 * what the rest of the rollups do. A document without them (or not JSON) counts as one call from
 * no VPC under no known service.
 */
export function rolledUpCall(event: RollupSource): RolledUpCall | null {
  const { accountId, accessKeyId } = event;
  if (accountId === null || accessKeyId === null || !countsInRollups(event)) return null;
  const first = event.at.getTime();
  const { vpcId, service, count, lastTime, candidateDenied } = event.rollup ?? documentFields(event.document);
  const last = lastTime === null ? first : Math.max(first, Date.parse(lastTime) || first);
  return {
    accountId,
    accessKeyId,
    sourceIp: canonicalSource(event.sourceIp),
    vpcId: vpcId ?? '',
    day: Math.floor(first / DAY_MS) * DAY_MS,
    outcome: event.errorCode === null ? 'allowed' : event.errorCode === ACL_DENIED_CODE ? 'denied' : 'failed',
    service,
    calls: Number.isSafeInteger(count) && count > 0 ? count : 1,
    candidateDenied: candidateDenied === true,
    first,
    last,
  };
}

/** Whether `event` counts in the rollups at all: read from its columns alone, cheaply. */
export function countsInRollups(event: Pick<RollupSource, 'accountId' | 'accessKeyId'>): boolean {
  return event.accountId !== null && event.accessKeyId !== null && isAccessKeyId(event.accessKeyId);
}

const NO_FIELDS: RollupFields = { vpcId: null, service: null, count: 1, lastTime: null };

function documentFields(document: string): RollupFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return NO_FIELDS;
  }
  if (typeof parsed !== 'object' || parsed === null) return NO_FIELDS;
  const { vpcId, keyfence } = parsed as { vpcId?: unknown; keyfence?: unknown };
  const fields = (typeof keyfence === 'object' && keyfence !== null ? keyfence : {}) as {
    service?: unknown;
    count?: unknown;
    lastTime?: unknown;
    candidate?: { allowed?: unknown } | null;
  };
  return {
    vpcId: typeof vpcId === 'string' ? vpcId : null,
    service: typeof fields.service === 'string' ? fields.service : null,
    count: typeof fields.count === 'number' ? fields.count : 1,
    lastTime: typeof fields.lastTime === 'string' ? fields.lastTime : null,
    candidateDenied: typeof fields.candidate === 'object' && fields.candidate?.allowed === false,
  };
}

function canonicalSource(ip: string): string {
  const parsed = parseAddress(ip);
  return parsed.ok ? formatAddress(parsed.value) : ip;
}
