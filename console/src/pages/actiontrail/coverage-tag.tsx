import { StatusTag } from './status-tag';

/** Whether a policy lets the key in from a row's sources: all of them, some, or none. */
export type Coverage = 'all' | 'some' | 'none';

export const coverageOf = (verdicts: readonly boolean[]): Coverage =>
  verdicts.every(Boolean) ? 'all' : verdicts.some(Boolean) ? 'some' : 'none';

export const CoverageTag = ({
  coverage,
  by,
  wrap = false,
}: {
  readonly coverage: Coverage;
  readonly by: string;
  readonly wrap?: boolean;
}) =>
  coverage === 'all' ? (
    <StatusTag tone="good" wrap={wrap}>
      covered by {by}
    </StatusTag>
  ) : coverage === 'some' ? (
    <StatusTag tone="warn" wrap={wrap}>
      partly covered by {by}
    </StatusTag>
  ) : (
    <StatusTag tone="bad" wrap={wrap}>
      not covered by {by}
    </StatusTag>
  );
