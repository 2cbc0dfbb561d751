import { Tag, Tooltip, Typography } from 'antd';
import type { ConsoleSession } from '../api/console-session';

/**
 * Which node served the page and which policy version it enforces; a node that stopped applying
 * the change log (what /readyz reports as stale) still enforces its last version, so say so.
 */
export const NodeStatus = ({ session }: { readonly session: ConsoleSession }) => (
  <>
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      node {session.NodeId} · policy version {session.PolicyVersion}
    </Typography.Text>
    {session.NodeStale && (
      <Tooltip title="This node has not applied the change log recently (/readyz reports it stale): it enforces the policies as of the version shown, and changes made elsewhere may not apply here yet.">
        <Tag color="warning" tabIndex={0}>
          Stale node
        </Tag>
      </Tooltip>
    )}
  </>
);
