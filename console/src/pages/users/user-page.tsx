import { Alert, Breadcrumb, Space, Spin, Tabs, Typography } from 'antd';
import { Link, useParams, useSearchParams } from 'react-router';
import { useAction } from '../../api/use-action';
import { usePrincipalDomain } from './use-principal-domain';
import { UserAuthenticationTab } from './user-authentication-tab';
import { UserBasicTab } from './user-basic-tab';
import { UserPermissionsTab } from './user-permissions-tab';
import type { GetUserAnswer } from './user-types';

const TABS = ['basic', 'authentication', 'permissions'] as const;
type Tab = (typeof TABS)[number];

const tabOf = (value: string | null): Tab =>
  (TABS as readonly (string | null)[]).includes(value) ? (value as Tab) : 'basic';

/** One user, `/users/:name?tab=basic|authentication|permissions`. */
export default function UserPage() {
  const { name = '' } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const tab = tabOf(searchParams.get('tab'));
  const domain = usePrincipalDomain();
  const principalName = domain === undefined ? undefined : `${name}@${domain}`;
  const { data, error, reload } = useAction<GetUserAnswer>(
    'Ims',
    'GetUser',
    principalName === undefined ? null : { UserPrincipalName: principalName },
  );
  const user = data?.User;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/users">Users</Link> }, { title: name }]} />
      <Typography.Title level={3} style={{ margin: 0 }}>
        {name}
      </Typography.Title>
      {error !== undefined && <Alert type="error" showIcon title={`${error.code}: ${error.message}`} />}
      {user === undefined && error === undefined && <Spin aria-label="Loading" />}
      {user !== undefined && (
        <Tabs
          activeKey={tab}
          onChange={(key) => setSearchParams({ tab: key })}
          items={[
            {
              key: 'basic',
              label: 'Basic Information',
              children: <UserBasicTab user={user} onChanged={reload} />,
            },
            {
              key: 'authentication',
              label: 'Authentication',
              children: (
                <UserAuthenticationTab
                  userName={user.UserName}
                  principalName={user.UserPrincipalName}
                  lastLogin={user.LastLoginDate}
                />
              ),
            },
            {
              key: 'permissions',
              label: 'Permissions',
              children: <UserPermissionsTab userName={user.UserName} />,
            },
          ]}
        />
      )}
    </Space>
  );
}
