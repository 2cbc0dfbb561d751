/** RecommendAccessKeyPolicy's answer (docs/server.md), as the page reads it. */
export interface Recommendation {
  readonly StartTime: string;
  readonly EndTime: string;
  readonly AccessKeyPolicy: string;
  readonly Entries: readonly {
    readonly StatementIndex: number;
    readonly Entry: string;
    readonly Sources: number;
    readonly Calls: number;
    readonly LastSeen: string;
    /** A decimal string: an IPv6 block holds more addresses than a JSON number carries. */
    readonly Addresses: string;
  }[];
  readonly Uncovered: readonly {
    readonly SourceIp: string;
    readonly VpcId?: string;
    readonly Calls: number;
    readonly LastSeen: string;
    readonly Reason: string;
  }[];
  readonly UncoveredCount: number;
  readonly UncoveredTruncated: boolean;
  readonly CoveredCalls: number;
  readonly TotalCalls: number;
}

/** SimulateAccessKeyPolicy's answer, as "Check against history" shows it. */
export interface Simulation {
  readonly StartTime: string;
  readonly EndTime: string;
  readonly AffectedKeys: number;
  readonly KeysWithoutTraffic: number;
  readonly Truncated: boolean;
  readonly NewlyDeniedCalls: number;
  readonly NewlyAllowedCalls: number;
  readonly ExcludedServices: readonly string[];
  readonly Note: string;
  readonly Keys: readonly {
    readonly AccessKeyId: string;
    readonly UserName?: string;
    readonly NewlyDeniedCalls: number;
    readonly NewlyDenied: readonly {
      readonly SourceIp: string;
      readonly VpcId?: string;
      readonly Calls: number;
      readonly LastSeen: string;
      readonly Services: readonly string[];
    }[];
  }[];
}

const plural = (n: bigint | number, one: string, many: string): string =>
  `${n.toLocaleString('en-US')} ${n === 1 || n === 1n ? one : many}`;

/** How much address space an entry opens: `/22 = 1,024 addresses for 3 observed sources`. */
export const addressSpace = (entry: string, addresses: string, sources: number): string => {
  const slash = entry.indexOf('/');
  const prefix = slash < 0 ? (entry.includes(':') ? '/128' : '/32') : entry.slice(slash);
  return `${prefix} = ${plural(BigInt(addresses), 'address', 'addresses')} for ${plural(sources, 'observed source', 'observed sources')}`;
};

/** `scope` in the URL: `account`, or `ak:<AccessKeyId>`. */
export const scopeParam = (
  text: string | null,
): { kind: 'account' } | { kind: 'accessKey'; accessKeyId: string } =>
  text?.startsWith('ak:') ? { kind: 'accessKey', accessKeyId: text.slice(3) } : { kind: 'account' };
