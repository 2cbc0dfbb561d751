import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { may } from '../../api/console-session';
import { formatUtc } from '../../components/access-key-time';
import { TableEmptyText } from '../../components/table-empty-text';
import { useSession } from '../../session/session-context';
import { CreateRoleDrawer } from './create-role-drawer';
import type { Role, RoleAnswer } from './role-types';

const columns: ColumnsType<Role> = [
  { title: 'Role Name', dataIndex: 'RoleName' },
  { title: 'Description', dataIndex: 'Description', render: (text?: string) => text || '—' },
  {
    title: 'ARN',
    dataIndex: 'Arn',
    render: (arn: string) => <Typography.Text copyable>{arn}</Typography.Text>,
  },
  { title: 'Maximum Session Duration', dataIndex: 'MaxSessionDuration', render: (s: number) => `${s} s` },
  { title: 'Created', dataIndex: 'CreateDate', render: (date: string) => formatUtc(date) },
];

/**
 * Identities › Roles. KeyFence's RAM API has GetRole and CreateRole but no ListRoles, so the page
 * lists the roles looked up by name or created here, with each one's trust policy on expansion.
 */
export default function RolesPage() {
  const session = useSession();
  const [roles, setRoles] = useState<readonly Role[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [looking, setLooking] = useState(false);
  const [creating, setCreating] = useState(false);
  const remember = (role: Role) =>
    setRoles((previous) => [role, ...previous.filter((r) => r.RoleName !== role.RoleName)]);

  const lookUp = async (name: string) => {
    const roleName = name.trim();
    if (roleName === '') return;
    setLooking(true);
    setError(undefined);
    try {
      remember((await callAction<RoleAnswer>('Ram', 'GetRole', { RoleName: roleName })).Role);
    } catch (caught) {
      setError(caught instanceof ConsoleApiError ? `${caught.code}: ${caught.message}` : String(caught));
    } finally {
      setLooking(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        Roles
      </Typography.Title>
      <Alert
        type="info"
        showIcon
        title="KeyFence has no ListRoles action: look a role up by its name, or create one."
      />
      <Space wrap>
        {may(session, 'ram:CreateRole') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            Create Role
          </Button>
        )}
        <Input.Search
          aria-label="Role name"
          placeholder="Role name"
          enterButton="Look Up"
          loading={looking}
          style={{ width: 360 }}
          onSearch={lookUp}
        />
      </Space>
      {error !== undefined && <Alert type="error" showIcon title={error} />}
      <Table<Role>
        rowKey="RoleName"
        size="small"
        columns={columns}
        dataSource={[...roles]}
        pagination={false}
        expandable={{
          expandedRowRender: (role) => (
            <pre style={{ margin: 0 }}>
              {JSON.stringify(JSON.parse(role.AssumeRolePolicyDocument), null, 2)}
            </pre>
          ),
        }}
        locale={{ emptyText: <TableEmptyText>Look a role up by name, or create one.</TableEmptyText> }}
      />
      {creating && <CreateRoleDrawer onClose={() => setCreating(false)} onCreated={remember} />}
    </Space>
  );
}
