import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import { may } from '../api/console-session';
import { useAction } from '../api/use-action';
import { usePolicyPanel } from '../policy-panel/use-policy-panel';
import { useSession } from '../session/session-context';
import { AccessKeyActions } from './access-key-actions';
import { AccessKeyCreated } from './access-key-created';
import { AccessKeyDeleteDialog } from './access-key-delete-dialog';
import { AccessKeyLastUsed } from './access-key-last-used';
import { AccessKeyNetworkAcl } from './access-key-network-acl';
import { AccessKeySecretDialog } from './access-key-secret-dialog';
import { useAccessKeyStatusChange } from './access-key-status-change';
import { AccessKeyStatusSwitch } from './access-key-status-switch';
import type {
  AccessKeyOwner,
  AccessKeyPolicyAnswer,
  AccessKeyRow,
  CreateAccessKeyAnswer,
  CreatedAccessKey,
  ListAccessKeysAnswer,
} from './access-key-types';
import { TableEmptyText } from './table-empty-text';

/** The store's default per-user limit (IMS's 2); a larger configured limit is still enforced server-side. */
const KEYS_PER_USER = 2;

/** Bumps when the Network Access Control panel closes, so the Network ACL column reads again. */
const usePanelClosings = (): number => {
  const { request } = usePolicyPanel();
  const [closings, setClosings] = useState(0);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && request === undefined) setClosings((n) => n + 1);
    wasOpen.current = request !== undefined;
  }, [request]);
  return closings;
};

/**
 * A RAM user's AccessKeys (owner with a principal name) or, without one, the root identity's:
 * the Authentication tab and root AccessKey Management show the same table.
 */
export const AccessKeyTable = ({ owner }: { readonly owner: AccessKeyOwner }) => {
  const session = useSession();
  const { modal, message } = App.useApp();
  const isRootOwner = owner.principalName === undefined;
  const keys = useAction<ListAccessKeysAnswer>('Ims', 'ListAccessKeys', {
    UserPrincipalName: owner.principalName,
  });
  const account = useAction<AccessKeyPolicyAnswer>(
    'Ims',
    'GetAccessKeyPolicyForAccount',
    may(session, 'ram:GetAccessKeyPolicyForAccount') ? {} : null,
  );
  const closings = usePanelClosings();
  const reloadAccount = account.reload;
  useEffect(() => {
    if (closings > 0) reloadAccount();
  }, [closings, reloadAccount]);

  const [created, setCreated] = useState<CreatedAccessKey | undefined>(undefined);
  const [deleting, setDeleting] = useState<AccessKeyRow | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const reload = keys.reload;
  const toggleStatus = useAccessKeyStatusChange(owner, reload);

  const create = useCallback(async () => {
    setCreating(true);
    try {
      const answer = await callAction<CreateAccessKeyAnswer>('Ims', 'CreateAccessKey', {
        UserPrincipalName: owner.principalName,
      });
      setCreated(answer.AccessKey);
      reload();
    } catch (error) {
      message.error(error instanceof ConsoleApiError ? `${error.code}: ${error.message}` : String(error));
    } finally {
      setCreating(false);
    }
  }, [owner.principalName, reload, message]);

  const askCreate = () => {
    if (!isRootOwner) return void create();
    modal.confirm({
      title: 'Create an AccessKey for the root identity?',
      content:
        'A root key can do everything in this account. Prefer an AccessKey of a RAM user that has only the permissions it needs.',
      okText: 'Create AccessKey',
      okButtonProps: { danger: true },
      onOk: create,
    });
  };

  const rows = keys.data?.AccessKeys.AccessKey ?? [];
  const atLimit = !isRootOwner && rows.length >= KEYS_PER_USER;
  const accountPolicy = account.data?.AccessKeyPolicy;

  const columns: ColumnsType<AccessKeyRow> = [
    {
      title: 'AccessKey ID',
      dataIndex: 'AccessKeyId',
      render: (id: string) => (
        // One line: an ID split across two reads as two IDs.
        <Typography.Text
          copyable={{ text: id, tooltips: ['Copy AccessKey ID', 'Copied'] }}
          style={{ whiteSpace: 'nowrap' }}
        >
          {id}
        </Typography.Text>
      ),
    },
    {
      title: 'Status',
      dataIndex: 'Status',
      render: (_: string, key) => (
        <AccessKeyStatusSwitch
          accessKey={key}
          editable={may(session, 'ram:UpdateAccessKey')}
          onToggle={toggleStatus}
        />
      ),
    },
    {
      title: 'Last Used',
      key: 'lastUsed',
      render: (_: unknown, key) => <AccessKeyLastUsed accessKeyId={key.AccessKeyId} owner={owner} />,
    },
    {
      title: 'Created',
      dataIndex: 'CreateDate',
      render: (createDate: string) => <AccessKeyCreated createDate={createDate} />,
    },
    {
      title: 'Network ACL',
      key: 'networkAcl',
      render: (_: unknown, key) => (
        <AccessKeyNetworkAcl
          accessKeyId={key.AccessKeyId}
          owner={owner}
          accountPolicy={accountPolicy}
          generation={closings}
        />
      ),
    },
    {
      title: 'Actions',
      key: 'actions',
      render: (_: unknown, key) => (
        <AccessKeyActions
          accessKey={key}
          owner={owner}
          onToggleStatus={toggleStatus}
          onDelete={setDeleting}
        />
      ),
    },
  ];

  const createButton = may(session, 'ram:CreateAccessKey') && (
    <Tooltip title={atLimit ? `A RAM user can have at most ${KEYS_PER_USER} AccessKeys.` : undefined}>
      <span>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          disabled={atLimit}
          loading={creating}
          onClick={askCreate}
        >
          Create AccessKey
        </Button>
      </span>
    </Tooltip>
  );

  return (
    <Card title="AccessKey" extra={createButton}>
      {keys.error !== undefined && (
        <Alert
          type="error"
          showIcon
          title={`${keys.error.code}: ${keys.error.message}`}
          style={{ marginBottom: 12 }}
        />
      )}
      <Table<AccessKeyRow>
        rowKey="AccessKeyId"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={keys.loading}
        pagination={false}
        locale={{ emptyText: <TableEmptyText>No AccessKey</TableEmptyText> }}
      />
      {created !== undefined && (
        <AccessKeySecretDialog accessKey={created} onClose={() => setCreated(undefined)} />
      )}
      {deleting !== undefined && (
        <AccessKeyDeleteDialog
          accessKey={deleting}
          owner={owner}
          onClose={() => setDeleting(undefined)}
          onDeleted={reload}
        />
      )}
    </Card>
  );
};
