import { Table } from 'antd';
import { Link } from 'react-router';
import type { KeySource } from './access-key-sources';
import { showTime } from './utc-time';

interface ServiceRow {
  readonly service: string;
  readonly calls: number;
  readonly lastCalled: string;
}

/**
 * Calls per service over the window. The rollups count calls per service and source, not when
 * each service was last called: "last called" is the last call from a source that called it,
 * an upper bound that is exact for a key calling one service per source.
 */
const serviceRows = (sources: readonly KeySource[]): ServiceRow[] => {
  const rows = new Map<string, { calls: number; lastCalled: string }>();
  for (const source of sources) {
    for (const { Service, Calls } of source.Services) {
      const row = rows.get(Service) ?? { calls: 0, lastCalled: '' };
      row.calls += Calls;
      if (source.LastSeen > row.lastCalled) row.lastCalled = source.LastSeen;
      rows.set(Service, row);
    }
  }
  return [...rows]
    .map(([service, row]) => ({ service, ...row }))
    .sort((a, b) => b.calls - a.calls || a.service.localeCompare(b.service));
};

export const ServicesTable = ({
  accessKeyId,
  sources,
}: {
  readonly accessKeyId: string;
  readonly sources: readonly KeySource[];
}) => (
  <Table<ServiceRow>
    size="small"
    rowKey="service"
    pagination={false}
    dataSource={serviceRows(sources)}
    columns={[
      { title: 'Service', dataIndex: 'service' },
      { title: 'Last called', dataIndex: 'lastCalled', render: (t: string) => showTime(t) },
      { title: 'Calls', dataIndex: 'calls', align: 'right' },
      {
        title: 'Events',
        key: 'events',
        render: (_: unknown, row) =>
          row.service === '*' ? null : (
            <Link
              to={`/actiontrail/events?${new URLSearchParams({ AccessKeyId: accessKeyId, ServiceName: row.service })}`}
            >
              Event List
            </Link>
          ),
      },
    ]}
  />
);
