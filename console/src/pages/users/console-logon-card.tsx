import { Alert, App, Button, Card, Descriptions, Space, Tag } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { may } from '../../api/console-session';
import { useAction } from '../../api/use-action';
import { formatUtc } from '../../components/access-key-time';
import { useSession } from '../../session/session-context';
import { LoginProfileDrawer } from './login-profile-drawer';
import { OneTimeCredentialsDialog } from './one-time-credentials-dialog';
import type { GetLoginProfileAnswer, LoginProfile } from './user-types';

const statusTag = (profile: LoginProfile | undefined) =>
  profile === undefined ? (
    <Tag>Not enabled</Tag>
  ) : profile.Status === 'Active' ? (
    <Tag color="success">Enabled</Tag>
  ) : (
    <Tag color="default">Disabled</Tag>
  );

/**
 * Console Logon: the user's login profile (Get/Create/Update/DeleteLoginProfile). Disabling it or
 * setting a password ends the user's console sessions. (A user changes its own password from the
 * avatar menu's Change Password.)
 */
export const ConsoleLogonCard = ({
  principalName,
  lastLogin,
}: {
  readonly principalName: string;
  readonly lastLogin: string | undefined;
}) => {
  const session = useSession();
  const { modal, message } = App.useApp();
  const readable = may(session, 'ram:GetLoginProfile');
  const { data, error, loading, reload } = useAction<GetLoginProfileAnswer>(
    'Ims',
    'GetLoginProfile',
    readable ? { UserPrincipalName: principalName } : null,
  );
  const [editing, setEditing] = useState(false);
  const [generated, setGenerated] = useState<string | undefined>(undefined);
  const missing = error?.code.startsWith('EntityNotExist') === true;
  const profile = data?.LoginProfile;
  const canUpdate = may(session, 'ram:UpdateLoginProfile');

  const run = async (action: string, params: Record<string, string>, done: string) => {
    try {
      await callAction('Ims', action, { UserPrincipalName: principalName, ...params });
      message.success(done);
      reload();
    } catch (caught) {
      message.error(caught instanceof ConsoleApiError ? `${caught.code}: ${caught.message}` : String(caught));
    }
  };
  const disable = () =>
    modal.confirm({
      title: 'Disable console logon?',
      content: "The user can no longer sign in to the console, and the user's console sessions end now.",
      okText: 'Disable',
      okButtonProps: { danger: true },
      onOk: () => run('UpdateLoginProfile', { Status: 'Inactive' }, 'Console logon disabled.'),
    });
  const remove = () =>
    modal.confirm({
      title: 'Delete the login profile?',
      content: "The console password is deleted and the user's console sessions end now.",
      okText: 'Delete',
      okButtonProps: { danger: true },
      onOk: () => run('DeleteLoginProfile', {}, 'Login profile deleted.'),
    });

  const buttons = (
    <Space wrap>
      {profile === undefined && missing && may(session, 'ram:CreateLoginProfile') && (
        <Button type="primary" onClick={() => setEditing(true)}>
          Enable Console Logon
        </Button>
      )}
      {profile?.Status === 'Inactive' && canUpdate && (
        <Button
          type="primary"
          onClick={() => run('UpdateLoginProfile', { Status: 'Active' }, 'Console logon enabled.')}
        >
          Enable Console Logon
        </Button>
      )}
      {profile !== undefined && canUpdate && (
        <Button onClick={() => setEditing(true)}>Modify Logon Settings</Button>
      )}
      {profile?.Status === 'Active' && canUpdate && (
        <Button danger onClick={disable}>
          Disable Console Logon
        </Button>
      )}
      {profile !== undefined && may(session, 'ram:DeleteLoginProfile') && (
        <Button danger type="text" onClick={remove}>
          Delete Login Profile
        </Button>
      )}
    </Space>
  );

  return (
    <Card title="Console Logon" extra={buttons} loading={loading && data === undefined}>
      {error !== undefined && !missing && (
        <Alert type="error" showIcon title={`${error.code}: ${error.message}`} />
      )}
      {!readable && <Alert type="info" showIcon title="You are not allowed to call ram:GetLoginProfile." />}
      {(profile !== undefined || missing) && (
        <Descriptions column={2} size="small">
          <Descriptions.Item label="Console Logon">{statusTag(profile)}</Descriptions.Item>
          <Descriptions.Item label="Must reset password at next logon">
            {profile === undefined ? '—' : profile.PasswordResetRequired ? 'Yes' : 'No'}
          </Descriptions.Item>
          <Descriptions.Item label="Last Login">{formatUtc(lastLogin)}</Descriptions.Item>
          <Descriptions.Item label="Updated">{formatUtc(profile?.UpdateDate)}</Descriptions.Item>
        </Descriptions>
      )}
      {editing && (
        <LoginProfileDrawer
          principalName={principalName}
          profile={profile}
          onClose={() => setEditing(false)}
          onSaved={(password) => {
            message.success(profile === undefined ? 'Console logon enabled.' : 'Logon settings saved.');
            setGenerated(password);
            reload();
          }}
        />
      )}
      {generated !== undefined && (
        <OneTimeCredentialsDialog
          title="Console password set"
          principalName={principalName}
          password={generated}
          onClose={() => setGenerated(undefined)}
        />
      )}
    </Card>
  );
};
