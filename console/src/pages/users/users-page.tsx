import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { may } from '../../api/console-session';
import { useAction } from '../../api/use-action';
import { UtcTime } from '../../components/access-key-utc-time';
import { TableEmptyText } from '../../components/table-empty-text';
import { useSession } from '../../session/session-context';
import { type CreatedUser, CreateUserDrawer } from './create-user-drawer';
import { OneTimeCredentialsDialog } from './one-time-credentials-dialog';
import { usePrincipalDomain } from './use-principal-domain';
import { type UserSummary, useUserSummaries } from './use-user-summaries';
import { type ListUsersAnswer, type RamUser, userNameOf } from './user-types';

const PAGE_SIZE = 50;

const matches = (user: RamUser, search: string): boolean => {
  const needle = search.trim().toLowerCase();
  return (
    needle === '' ||
    user.UserPrincipalName.toLowerCase().includes(needle) ||
    user.DisplayName.toLowerCase().includes(needle)
  );
};

const columns = (summaries: ReadonlyMap<string, UserSummary>): ColumnsType<RamUser> => {
  const of = (user: RamUser) => summaries.get(user.UserPrincipalName);
  return [
    {
      title: 'User Logon Name / Display Name',
      key: 'name',
      render: (_: unknown, user) => (
        <span>
          <Link to={`/users/${encodeURIComponent(userNameOf(user.UserPrincipalName))}`}>
            {user.UserPrincipalName}
          </Link>
          <br />
          <Typography.Text type="secondary">{user.DisplayName}</Typography.Text>
        </span>
      ),
    },
    { title: 'Note', dataIndex: 'Comments', render: (note?: string) => note || '—' },
    {
      title: 'Last Login',
      key: 'lastLogin',
      render: (_: unknown, user) => <UtcTime time={user.LastLoginDate} />,
    },
    {
      title: 'Last AccessKey Use',
      key: 'lastKeyUse',
      render: (_: unknown, user) => {
        const use = of(user)?.lastKeyUse;
        return use === undefined ? (
          '—'
        ) : (
          <span>
            <UtcTime time={use.date} />
            {use.service !== undefined && (
              <Typography.Text type="secondary"> · {use.service}</Typography.Text>
            )}
          </span>
        );
      },
    },
    {
      title: 'Network ACL',
      key: 'networkAcl',
      render: (_: unknown, user) => {
        const summary = of(user);
        if (summary?.keyLevelAcls === undefined) return '—';
        return summary.keyLevelAcls > 0 ? (
          <Tag color="blue">
            {summary.keyLevelAcls} of {summary.keys} keys: key-level ACL
          </Tag>
        ) : (
          <Typography.Text type="secondary">No key-level ACL</Typography.Text>
        );
      },
    },
    { title: 'Created', dataIndex: 'CreateDate', render: (date: string) => <UtcTime time={date} /> },
  ];
};

/** Identities › Users: ListUsers in pages (its Marker), filtered by name within the page shown. */
export default function UsersPage() {
  const session = useSession();
  const domain = usePrincipalDomain();
  // The Markers that opened the pages before this one; the last is this page's.
  const [markers, setMarkers] = useState<readonly string[]>([]);
  const marker = markers.at(-1);
  const list = useAction<ListUsersAnswer>('Ims', 'ListUsers', {
    MaxItems: String(PAGE_SIZE),
    Marker: marker,
  });
  const users = list.data?.Users.User ?? [];
  const summaries = useUserSummaries(users);
  const [search, setSearch] = useState('');
  const shown = useMemo(() => users.filter((user) => matches(user, search)), [users, search]);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedUser | undefined>(undefined);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        Users
      </Typography.Title>
      <Space wrap>
        {may(session, 'ram:CreateUser') && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            disabled={domain === undefined}
            onClick={() => setCreating(true)}
          >
            Create User
          </Button>
        )}
        <Input.Search
          aria-label="Search users"
          placeholder="User logon name or display name"
          allowClear
          style={{ width: 320 }}
          onSearch={setSearch}
          onChange={(event) => setSearch(event.target.value)}
        />
      </Space>
      {list.error !== undefined && (
        <Alert type="error" showIcon title={`${list.error.code}: ${list.error.message}`} />
      )}
      <Table<RamUser>
        rowKey="UserPrincipalName"
        size="small"
        columns={columns(summaries)}
        dataSource={shown}
        loading={list.loading}
        pagination={false}
        locale={{
          emptyText: (
            <TableEmptyText>{search === '' ? 'No user yet' : 'No user on this page matches'}</TableEmptyText>
          ),
        }}
      />
      <Space>
        <Button disabled={markers.length === 0} onClick={() => setMarkers(markers.slice(0, -1))}>
          Previous page
        </Button>
        <Button
          disabled={list.data?.IsTruncated !== true}
          onClick={() => list.data?.Marker !== undefined && setMarkers([...markers, list.data.Marker])}
        >
          Next page
        </Button>
      </Space>
      {creating && domain !== undefined && (
        <CreateUserDrawer
          domain={domain}
          onClose={() => setCreating(false)}
          onCreated={(user) => {
            list.reload();
            if (user.password !== undefined || user.accessKey !== undefined) setCreated(user);
          }}
        />
      )}
      {created !== undefined && (
        <OneTimeCredentialsDialog
          title="User created"
          principalName={created.principalName}
          password={created.password}
          accessKey={created.accessKey}
          onClose={() => setCreated(undefined)}
        />
      )}
    </Space>
  );
}
