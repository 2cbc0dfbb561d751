import { Alert, Space, Typography } from 'antd';
import { AccessKeyTable } from '../../components/access-key-table';
import { useSession } from '../../session/session-context';
import { RootRiskDialog } from './root-risk-dialog';

const ROOT_OWNER = {};

/**
 * Root AccessKey Management (root sessions only; the shell refuses RAM users). The keys show only
 * once the risk is acknowledged for this session.
 */
export default function RootAccessKeysPage() {
  const session = useSession();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        AccessKey Management
      </Typography.Title>
      {session.RootAccessKeyAcknowledged ? (
        <>
          <Alert
            type="warning"
            showIcon
            title="These are the AccessKeys of the root identity: a root key can do everything in this account. Prefer RAM users' keys."
          />
          <AccessKeyTable owner={ROOT_OWNER} />
        </>
      ) : (
        <RootRiskDialog />
      )}
    </Space>
  );
}
