/** The account-level policy in a few words: what the Settings row and the Overview show. */
export interface PolicySummary {
  readonly status: 'Enabled' | 'Disabled' | 'Not configured';
  /** "1 public statement (3 entries), 2 VPC statements (5 entries)"; empty when there are none. */
  readonly statements: string;
}

interface Statement {
  readonly Type?: unknown;
  readonly IPList?: unknown;
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

const describe = (statements: readonly Statement[], one: string, many: string): string | undefined => {
  if (statements.length === 0) return undefined;
  const entries = statements.reduce((sum, s) => sum + (Array.isArray(s.IPList) ? s.IPList.length : 0), 0);
  return `${plural(statements.length, one, many)} (${plural(entries, 'entry', 'entries')})`;
};

/** Summarizes the `AccessKeyPolicy` text GetAccessKeyPolicy* answers (`{}` when never set). */
export const summarizePolicy = (policyText: string | undefined): PolicySummary => {
  let policy: { Status?: unknown; Statements?: unknown } = {};
  try {
    policy = JSON.parse(policyText ?? '{}') as typeof policy;
  } catch {
    // The server only stores documents it parsed; an unreadable one reads as not configured.
  }
  if (policy.Status === undefined) return { status: 'Not configured', statements: '' };
  const statements = Array.isArray(policy.Statements) ? (policy.Statements as Statement[]) : [];
  const parts = [
    describe(
      statements.filter((s) => s.Type === 'ClassicWhiteList'),
      'public statement',
      'public statements',
    ),
    describe(
      statements.filter((s) => s.Type === 'VPCWhiteList'),
      'VPC statement',
      'VPC statements',
    ),
  ].filter((part) => part !== undefined);
  return {
    status: policy.Status === 'Active' ? 'Enabled' : 'Disabled',
    statements: parts.length === 0 ? 'No statement' : parts.join(', '),
  };
};

export const STATUS_COLOR: Readonly<Record<PolicySummary['status'], string>> = {
  Enabled: 'success',
  Disabled: 'default',
  'Not configured': 'default',
};
