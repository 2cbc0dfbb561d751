import { callAction } from '../../api/console-client';

/** The network-ACL decision an audit event carries (docs/audit.md, "The event"). */
export interface KeyFenceBlock {
  readonly allowed: boolean | null;
  readonly reason: string | null;
  readonly scope: string | null;
  readonly statement: number | null;
  readonly policyVersion: number | null;
  readonly appliedVersion: number | null;
  readonly service: string | null;
  readonly count?: number | null;
}

/** An ActionTrail event as LookupEvents answers it, with the fields the console reads. */
export interface AuditEvent {
  readonly eventId: string;
  readonly eventName: string | null;
  readonly eventType: string | null;
  readonly eventRW: string | null;
  readonly eventTime: string;
  readonly serviceName: string | null;
  readonly requestId: string | null;
  readonly sourceIpAddress: string | null;
  readonly vpcId: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly userIdentity: {
    readonly type: string;
    readonly userName: string | null;
    readonly accessKeyId: string | null;
  };
  readonly keyfence: KeyFenceBlock | null;
}

export interface LookupEventsAnswer {
  readonly StartTime: string;
  readonly EndTime: string;
  readonly NextToken: string;
  readonly Events: readonly AuditEvent[];
}

/** The filters LookupEvents takes, as `LookupAttribute.n.Key`; at most two at once. */
export const LOOKUP_ATTRIBUTES = [
  'AccessKeyId',
  'EventName',
  'ServiceName',
  'SourceIpAddress',
  'UserName',
  'Result',
  'EventRW',
] as const;
export type LookupAttribute = (typeof LOOKUP_ATTRIBUTES)[number];

export const MAX_LOOKUP_ATTRIBUTES = 2;

/** LookupEvents' own parameters from filters and a window (Alibaba times). */
export const lookupParams = (
  filters: readonly (readonly [LookupAttribute, string])[],
  window: { readonly start?: string; readonly end?: string },
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> => {
  const params: Record<string, string> = { ...extra };
  filters.slice(0, MAX_LOOKUP_ATTRIBUTES).forEach(([key, value], i) => {
    params[`LookupAttribute.${i + 1}.Key`] = key;
    params[`LookupAttribute.${i + 1}.Value`] = value;
  });
  if (window.start !== undefined) params.StartTime = window.start;
  if (window.end !== undefined) params.EndTime = window.end;
  return params;
};

export const lookupEvents = (params: Readonly<Record<string, string>>): Promise<LookupEventsAnswer> =>
  callAction<LookupEventsAnswer>('Actiontrail', 'LookupEvents', params);

/** Calls an event stands for: a coalesced event counts `keyfence.count` (older events lack it: 1). */
export const callsOf = (event: AuditEvent): number => event.keyfence?.count ?? 1;
