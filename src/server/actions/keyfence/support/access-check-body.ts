import { formatAlibabaTime } from '../../../../common/alibaba-time.js';
import { displayAddress } from '../../../../net/display-address.js';
import type { DecisionScope, Source } from '../../../../policy/decision.js';
import type { Explanation } from '../../../../policy/decision-index.js';
import type { EntryFieldsOf } from './matched-entries.js';
import type { RecordedCall } from './recorded-call.js';

/** Scopes as KeyFence's API names them, as `AccessDeniedDetail.DeniedBy` does. */
const SCOPE_NAMES: Readonly<Record<DecisionScope, string>> = {
  accessKey: 'AccessKey',
  account: 'Account',
  none: 'None',
};

const statementIndex = (statement: number | null): number | null =>
  statement === null || statement < 0 ? null : statement;

/** What was checked: the key, the source (`VpcId` only for a VPC source) and the service, if any. */
export function checkedCallBody(
  accessKeyId: string,
  source: Source,
  service: string,
): Record<string, unknown> {
  return {
    AccessKeyId: accessKeyId,
    SourceIp: source.ip === '' ? '' : displayAddress(source.ip),
    ...(source.vpcId === undefined ? {} : { VpcId: source.vpcId }),
    ...(service === '' ? {} : { Service: service }),
  };
}

/**
 * The decision and, in `Scopes`, what each scope's policy would decide alone (the AccessKey
 * level first; Inactive ones too; a scope never set is absent). `StatementIndex` is null when no
 * statement matched; `EntryIndex` and `Entry` too, and when the store no longer holds the version
 * decided under (matched-entries.ts).
 */
export function explanationBody(explained: Explanation, entries: EntryFieldsOf): Record<string, unknown> {
  const { decision, scopes, candidate } = explained;
  return {
    Allowed: decision.allowed,
    Reason: decision.reason,
    Scope: SCOPE_NAMES[decision.scope],
    StatementIndex: statementIndex(decision.statement),
    ...entries(decision),
    PolicyVersion: decision.policyVersion,
    Scopes: scopes.map((s) => ({
      Scope: SCOPE_NAMES[s.scope],
      Status: s.status,
      PolicyVersion: s.policyVersion,
      Effective: s.effective,
      Allowed: s.wouldAllow,
      Reason: s.reason,
      StatementIndex: statementIndex(s.statement),
      ...entries(s),
    })),
    // Only while a report-only candidate takes part in the key's decision: what it would decide.
    ...(candidate === null
      ? {}
      : {
          Candidate: {
            Allowed: candidate.allowed,
            Reason: candidate.reason,
            Scope: SCOPE_NAMES[candidate.scope],
            StatementIndex: statementIndex(candidate.statement),
            PolicyVersion: candidate.policyVersion,
          },
        }),
  };
}

/** A past call's own decision, as its audit event recorded it; null when none was made. */
export function recordedCallBody(call: RecordedCall, entries: EntryFieldsOf): Record<string, unknown> {
  const { decision } = call;
  return {
    RequestId: call.requestId,
    EventTime: formatAlibabaTime(call.at),
    Allowed: decision?.allowed ?? null,
    Reason: decision?.reason ?? null,
    Scope: decision === null ? null : SCOPE_NAMES[decision.scope],
    StatementIndex: decision === null ? null : statementIndex(decision.statement),
    ...(decision === null ? { EntryIndex: null, Entry: null } : entries(decision)),
    PolicyVersion: decision?.policyVersion ?? null,
  };
}
