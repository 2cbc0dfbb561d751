import { Space, Table, type TableColumnsType, Tag } from 'antd';
import type { Key } from 'react';
import { type Coverage, CoverageTag, coverageOf } from './coverage-tag';
import type { SourceGroup } from './source-groups';
import { StatusTag } from './status-tag';
import { showTime } from './utc-time';

/** What the table keeps beside an open panel: the source, its calls and the coverage badges. */
const COMPACT = new Set(['source', 'calls', 'coverage']);

/**
 * The key's sources, one row per address (or block), with whether the policy in force and, while
 * a panel is open beside it, the draft let the key in from there.
 */
export const SourceIpsTable = ({
  rows,
  draftCoverage,
  selected,
  onSelect,
  compact,
}: {
  readonly rows: readonly SourceGroup[];
  /** Undefined when no draft applies (no panel open for this key or the account, or it is invalid). */
  readonly draftCoverage: ((row: SourceGroup) => Coverage) | undefined;
  readonly selected: readonly Key[];
  readonly onSelect: (keys: Key[]) => void;
  /** Beside an open panel: fewer columns, the VPC ID under the source. */
  readonly compact: boolean;
}) => {
  const columns: TableColumnsType<SourceGroup> = [
    {
      title: 'Source',
      key: 'source',
      dataIndex: 'source',
      render: (source: string, row) => (
        <Space size={4} wrap={compact}>
          <span>{source}</span>
          {compact && row.vpcId !== undefined && <span>{row.vpcId}</span>}
          {row.members.length > 1 && <Tag>{row.members.length} addresses</Tag>}
          {row.isNew && <StatusTag tone="info">New</StatusTag>}
        </Space>
      ),
    },
    { title: 'VPC ID', key: 'vpc', dataIndex: 'vpcId', render: (v: string | undefined) => v ?? '—' },
    { title: 'First seen', key: 'first', dataIndex: 'firstSeen', render: (t: string) => showTime(t) },
    {
      title: 'Last seen',
      key: 'last',
      dataIndex: 'lastSeen',
      render: (t: string) => showTime(t),
      sorter: (a, b) => a.lastSeen.localeCompare(b.lastSeen),
      sortDirections: ['descend', 'ascend'],
    },
    {
      title: 'Calls (allowed / denied)',
      key: 'calls',
      align: 'right',
      defaultSortOrder: 'descend',
      sorter: (a, b) => a.allowed + a.denied + a.failed - (b.allowed + b.denied + b.failed),
      sortDirections: ['descend', 'ascend'],
      render: (_: unknown, row) => `${row.allowed} / ${row.denied}`,
    },
    {
      title: 'Services',
      key: 'services',
      dataIndex: 'services',
      render: (s: readonly string[]) => s.join(', '),
    },
    {
      title: 'Coverage',
      key: 'coverage',
      render: (_: unknown, row) => (
        <Space size={4} wrap>
          <CoverageTag
            coverage={coverageOf(row.members.map((m) => m.CoveredByCurrentPolicy))}
            by="the policy in force"
            wrap={compact}
          />
          {draftCoverage !== undefined && (
            <CoverageTag coverage={draftCoverage(row)} by="the draft" wrap={compact} />
          )}
        </Space>
      ),
    },
  ];
  return (
    <Table<SourceGroup>
      size="small"
      rowKey="key"
      dataSource={[...rows]}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      rowSelection={{
        selectedRowKeys: [...selected],
        onChange: (keys) => onSelect(keys),
        getCheckboxProps: (row) => ({ 'aria-label': `Select ${row.source}` }) as never,
      }}
      columns={columns.filter((column) => !compact || COMPACT.has(String(column.key)))}
    />
  );
};
