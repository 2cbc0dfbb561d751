import { Table } from 'antd';
import { StatusTag, type Tone } from '../actiontrail/status-tag';
import { showTime } from '../actiontrail/utc-time';
import type { NodeRow } from './policy-version-status';

const TONES: Readonly<Record<NodeRow['Status'], Tone>> = {
  Enforcing: 'good',
  Lagging: 'warn',
  Stale: 'bad',
  Stopped: 'neutral',
};

/** The nodes of the deployment as GetPolicyVersionStatus reports them (addresses are never in it). */
export const NodesTable = ({ nodes }: { readonly nodes: readonly NodeRow[] }) => (
  <Table<NodeRow>
    size="small"
    rowKey="NodeId"
    pagination={false}
    dataSource={[...nodes]}
    columns={[
      { title: 'Node', dataIndex: 'NodeId' },
      {
        title: 'Status',
        dataIndex: 'Status',
        render: (s: NodeRow['Status']) => <StatusTag tone={TONES[s]}>{s}</StatusTag>,
      },
      { title: 'Applied version', dataIndex: 'AppliedVersion', align: 'right' },
      { title: 'Last heartbeat', dataIndex: 'LastHeartbeatDate', render: (t: string) => showTime(t) },
      { title: 'Started', dataIndex: 'StartDate', render: (t: string) => showTime(t) },
    ]}
  />
);
