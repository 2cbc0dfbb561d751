import { DownOutlined, UserOutlined } from '@ant-design/icons';
import { Dropdown, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { ItemType } from 'antd/es/menu/interface';
import { Suspense } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { identityLabel, isRoot, may } from '../api/console-session';
import { type ConsoleRoute, ROUTES } from '../routes';
import { useSession, useSessionContext } from '../session/session-context';
import { HelpLink } from './help-link';
import { NoPermission } from './no-permission';
import { PageLoading } from './page-loading';

const allowed = (route: ConsoleRoute, session: ReturnType<typeof useSession>): boolean =>
  route.needs === null || (route.needs === 'root' ? isRoot(session) : may(session, route.needs));

const navItems = (session: ReturnType<typeof useSession>): ItemType[] =>
  (['RAM', 'ActionTrail', 'KeyFence'] as const).map((group) => ({
    type: 'group' as const,
    key: group,
    label: group,
    children: ROUTES.filter((route) => route.group === group && allowed(route, session)).map((route) => ({
      key: `/${route.path}`,
      label: <Link to={`/${route.path}`}>{route.label}</Link>,
    })),
  }));

/** The signed-in console: top bar, left navigation, and the page. */
export const AppShell = () => {
  const session = useSession();
  const { signOut } = useSessionContext();
  const navigate = useNavigate();
  const location = useLocation();
  const selected = `/${location.pathname.replace(/^\//, '').split('/')[0] ?? ''}`;
  const avatarItems: ItemType[] = [
    ...(isRoot(session) ? [{ key: 'root-access-keys', label: 'AccessKey Management' }] : []),
    ...(session.Identity.Type === 'ram-user' ? [{ key: 'change-password', label: 'Change Password' }] : []),
    { key: 'signout', label: 'Sign Out' },
  ];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#fff', paddingInline: 16 }}
      >
        <Typography.Text strong style={{ fontSize: 16 }}>
          KeyFence
        </Typography.Text>
        <Typography.Text copyable={{ text: session.AccountId }} aria-label="Account ID">
          {session.AccountId}
        </Typography.Text>
        <span style={{ flex: 1 }} />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          node {session.NodeId} · policy version {session.PolicyVersion}
        </Typography.Text>
        {session.NodeStale && <Tag color="warning">stale</Tag>}
        <Dropdown
          menu={{
            items: avatarItems,
            onClick: ({ key }) => {
              if (key === 'signout') void signOut().then(() => navigate('/signin'));
              else if (key === 'root-access-keys') navigate('/root-access-keys');
              else if (key === 'change-password')
                navigate(`/users/${encodeURIComponent(userNameOf(session))}?tab=authentication`);
            },
          }}
        >
          <button type="button" className="kf-avatar" aria-label="Account menu">
            <Space>
              <UserOutlined />
              {identityLabel(session)}
              <DownOutlined />
            </Space>
          </button>
        </Dropdown>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={220} theme="light">
          <nav aria-label="Console navigation">
            <Menu
              mode="inline"
              selectedKeys={[selected === '/' ? '/' : selected]}
              items={navItems(session)}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <Suspense fallback={<PageLoading />}>
              <Routes>
                {ROUTES.map((route) => (
                  <Route
                    key={route.path}
                    path={`/${route.path}`}
                    element={
                      allowed(route, session) ? (
                        <>
                          <div style={{ float: 'right' }}>
                            <HelpLink anchor={route.help} />
                          </div>
                          <route.page />
                        </>
                      ) : (
                        <NoPermission action={route.needs ?? ''} />
                      )
                    }
                  />
                ))}
                <Route path="/signin" element={<Navigate to="/" replace />} />
                <Route path="*" element={<Navigate to="/" replace />} />
              </Routes>
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
};

const userNameOf = (session: ReturnType<typeof useSession>): string =>
  session.Identity.Type === 'ram-user' ? session.Identity.UserName : '';
