import { Button, Space } from 'antd';
import { Link } from 'react-router';
import { may } from '../api/console-session';
import { usePolicyPanel } from '../policy-panel/use-policy-panel';
import { useSession } from '../session/session-context';
import type { AccessKeyOwner, AccessKeyRow } from './access-key-types';

/** The Actions column: the key's network ACL, its audit, Check an IP, Disable / Enable, Delete. */
export const AccessKeyActions = ({
  accessKey,
  owner,
  onToggleStatus,
  onDelete,
}: {
  readonly accessKey: AccessKeyRow;
  readonly owner: AccessKeyOwner;
  readonly onToggleStatus: (key: AccessKeyRow) => void;
  readonly onDelete: (key: AccessKeyRow) => void;
}) => {
  const session = useSession();
  const panel = usePolicyPanel();
  const id = accessKey.AccessKeyId;
  const query = `ak=${encodeURIComponent(id)}`;
  return (
    <Space wrap size={[8, 0]}>
      {may(session, 'ram:GetAccessKeyPolicy') && (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() =>
            panel.open({
              scope: {
                kind: 'accessKey',
                accessKeyId: id,
                ...(owner.userName !== undefined ? { userName: owner.userName } : {}),
              },
            })
          }
        >
          Network Access Control
        </Button>
      )}
      {may(session, 'actiontrail:LookupEvents') && (
        <Link to={`/actiontrail/accesskey-audit?${query}`} aria-label={`Audit ${id}`}>
          Audit
        </Link>
      )}
      {may(session, 'ram:GetAccessKeyPolicy') && (
        <Link to={`/check?${query}`} aria-label={`Check an IP for ${id}`}>
          Check an IP
        </Link>
      )}
      {may(session, 'ram:UpdateAccessKey') && (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onToggleStatus(accessKey)}>
          {accessKey.Status === 'Active' ? 'Disable' : 'Enable'}
        </Button>
      )}
      {may(session, 'ram:DeleteAccessKey') && (
        <Button type="link" size="small" danger style={{ padding: 0 }} onClick={() => onDelete(accessKey)}>
          Delete
        </Button>
      )}
    </Space>
  );
};
