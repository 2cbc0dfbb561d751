import { Alert, Table } from 'antd';
import { showTime } from '../actiontrail/utc-time';
import type { Simulation } from './recommendation';

const count = (n: number, noun: string): string =>
  `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

type Denied = Simulation['Keys'][number]['NewlyDenied'][number] & { readonly key: string };

/** "Check against history": what the draft would deny of the window's traffic (SimulateAccessKeyPolicy). */
export const SimulationView = ({ simulation }: { readonly simulation: Simulation }) => {
  const rows: Denied[] = simulation.Keys.flatMap((k) =>
    k.NewlyDenied.map((d) => ({ ...d, key: `${k.AccessKeyId}|${d.SourceIp}|${d.VpcId ?? ''}` })),
  );
  return (
    <>
      {simulation.NewlyDeniedCalls === 0 ? (
        <Alert
          type="success"
          showIcon
          message={`No call from ${showTime(simulation.StartTime)} to ${showTime(simulation.EndTime)} would be denied`}
          description={simulation.Note}
        />
      ) : (
        <Alert
          type="warning"
          showIcon
          message={`${count(simulation.AffectedKeys, 'key')} would lose ${count(simulation.NewlyDeniedCalls, 'call')} from ${count(rows.length, 'source')}`}
          description={`${simulation.Note} Exempt services left out: ${simulation.ExcludedServices.join(', ') || 'none'}.`}
        />
      )}
      {rows.length > 0 && (
        <Table<Denied>
          size="small"
          rowKey="key"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: 'AccessKey', key: 'ak', render: (_: unknown, r) => r.key.split('|')[0] },
            { title: 'Source', dataIndex: 'SourceIp' },
            { title: 'VPC ID', dataIndex: 'VpcId', render: (v: string | undefined) => v ?? '—' },
            { title: 'Calls', dataIndex: 'Calls', align: 'right' },
            { title: 'Last seen', dataIndex: 'LastSeen', render: (t: string) => showTime(t) },
            { title: 'Services', dataIndex: 'Services', render: (s: readonly string[]) => s.join(', ') },
          ]}
        />
      )}
    </>
  );
};
