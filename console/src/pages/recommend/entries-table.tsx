import type { AccessKeyPolicy } from '@keyfence/policy/policy-document.js';
import { Table, Tag } from 'antd';
import { showTime } from '../actiontrail/utc-time';
import { addressSpace, type Recommendation } from './recommendation';

type EntryRow = Recommendation['Entries'][number];

const statementName = (policy: AccessKeyPolicy | null, index: number): string => {
  const statement = policy?.Statements[index];
  if (statement === undefined) return `Statement ${index}`;
  return statement.Type === 'ClassicWhiteList' ? `${index}: Public` : `${index}: VPC ${statement.Value}`;
};

/** Each entry of the draft: the statement it is in (public, or per VPC), what it covers and opens. */
export const EntriesTable = ({
  entries,
  policy,
}: {
  readonly entries: Recommendation['Entries'];
  readonly policy: AccessKeyPolicy | null;
}) => (
  <Table<EntryRow>
    size="small"
    rowKey={(row) => `${row.StatementIndex}|${row.Entry}`}
    dataSource={[...entries]}
    pagination={{ pageSize: 50, hideOnSinglePage: true }}
    columns={[
      {
        title: 'Statement',
        dataIndex: 'StatementIndex',
        render: (i: number) => <Tag>{statementName(policy, i)}</Tag>,
      },
      { title: 'Entry', dataIndex: 'Entry' },
      { title: 'Calls', dataIndex: 'Calls', align: 'right' },
      { title: 'Sources', dataIndex: 'Sources', align: 'right' },
      { title: 'Last seen', dataIndex: 'LastSeen', render: (t: string) => showTime(t) },
      {
        title: 'Address space',
        key: 'space',
        render: (_: unknown, row) => addressSpace(row.Entry, row.Addresses, row.Sources),
      },
    ]}
  />
);
