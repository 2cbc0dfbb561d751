import { Tag } from 'antd';

/** Whether a policy lets the key in from a row's sources: all of them, some, or none. */
export type Coverage = 'all' | 'some' | 'none';

export const coverageOf = (verdicts: readonly boolean[]): Coverage =>
  verdicts.every(Boolean) ? 'all' : verdicts.some(Boolean) ? 'some' : 'none';

export const CoverageTag = ({ coverage, by }: { readonly coverage: Coverage; readonly by: string }) =>
  coverage === 'all' ? (
    <Tag color="green">covered by {by}</Tag>
  ) : coverage === 'some' ? (
    <Tag color="orange">partly covered by {by}</Tag>
  ) : (
    <Tag color="red">not covered by {by}</Tag>
  );
