import { DownOutlined, UserOutlined } from '@ant-design/icons';
import { Dropdown, Layout, Menu, Space, Typography } from 'antd';
import type { ItemType } from 'antd/es/menu/interface';
import { Suspense, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { identityLabel, isRoot, may } from '../api/console-session';
import { type ConsoleRoute, ROUTES } from '../routes';
import { useSession, useSessionContext } from '../session/session-context';
import { ChangePasswordDialog } from './change-password-dialog';
import { HelpLink } from './help-link';
import { NoPermission } from './no-permission';
import { NodeStatus } from './node-status';
import { PageLoading } from './page-loading';

const allowed = (route: ConsoleRoute, session: ReturnType<typeof useSession>): boolean =>
  route.needs === null || (route.needs === 'root' ? isRoot(session) : may(session, route.needs));

/** The navigation's groups, each with the pages the caller may use; a group with none is left out. */
const navItems = (session: ReturnType<typeof useSession>): ItemType[] =>
  (['RAM', 'ActionTrail', 'KeyFence'] as const).flatMap((group) => {
    const pages = ROUTES.filter((route) => route.group === group && allowed(route, session));
    if (pages.length === 0) return [];
    return [
      {
        type: 'group' as const,
        key: group,
        label: group,
        children: pages.map((route) => ({
          key: `/${route.path}`,
          label: <Link to={`/${route.path}`}>{route.label}</Link>,
        })),
      },
    ];
  });

/** The signed-in console: top bar, left navigation, and the page. */
export const AppShell = () => {
  const session = useSession();
  const { signOut } = useSessionContext();
  const navigate = useNavigate();
  const location = useLocation();
  const [changingPassword, setChangingPassword] = useState(false);
  const selected = `/${location.pathname.replace(/^\//, '').split('/')[0] ?? ''}`;
  const avatarItems: ItemType[] = [
    ...(isRoot(session) ? [{ key: 'root-access-keys', label: 'AccessKey Management' }] : []),
    { key: 'change-password', label: 'Change Password' },
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
        <span>
          <Typography.Text type="secondary">Account ID </Typography.Text>
          <Typography.Text copyable={{ text: session.AccountId, tooltips: ['Copy account ID', 'Copied'] }}>
            {session.AccountId}
          </Typography.Text>
        </span>
        <span style={{ flex: 1 }} />
        <NodeStatus session={session} />
        <Dropdown
          menu={{
            items: avatarItems,
            onClick: ({ key }) => {
              if (key === 'signout') void signOut().then(() => navigate('/signin'));
              else if (key === 'root-access-keys') navigate('/root-access-keys');
              else if (key === 'change-password') setChangingPassword(true);
            },
          }}
        >
          <button type="button" className="kf-avatar" aria-label={`Account menu, ${identityLabel(session)}`}>
            <Space>
              <UserOutlined />
              {identityLabel(session)}
              <DownOutlined />
            </Space>
          </button>
        </Dropdown>
      </Layout.Header>
      <Layout>
        {/* The border on the sider, not the menu: the menu ends with its last item, the sider does not. */}
        <Layout.Sider width={220} theme="light" style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
          <nav aria-label="Console navigation">
            <Menu
              mode="inline"
              style={{ borderInlineEnd: 'none' }}
              selectedKeys={[selected === '/' ? '/' : selected]}
              items={navItems(session)}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>
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
        </Layout.Content>
      </Layout>
      {changingPassword && <ChangePasswordDialog onClose={() => setChangingPassword(false)} />}
    </Layout>
  );
};
