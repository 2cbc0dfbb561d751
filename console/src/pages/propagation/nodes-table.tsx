import { Table, Tag } from 'antd';
import { showTime } from '../actiontrail/utc-time';
import type { NodeRow } from './policy-version-status';

const COLOURS: Readonly<Record<NodeRow['Status'], string>> = {
  Enforcing: 'green',
  Lagging: 'gold',
  Stale: 'red',
  Stopped: 'default',
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
        render: (s: NodeRow['Status']) => <Tag color={COLOURS[s]}>{s}</Tag>,
      },
      { title: 'Applied version', dataIndex: 'AppliedVersion', align: 'right' },
      { title: 'Last heartbeat', dataIndex: 'LastHeartbeatDate', render: (t: string) => showTime(t) },
      { title: 'Started', dataIndex: 'StartDate', render: (t: string) => showTime(t) },
    ]}
  />
);
