import { Alert, Button, Form, Typography } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import { identityLabel } from '../api/console-session';
import { SignedOutLayout } from '../pages/signin/signed-out-layout';
import { useSession, useSessionContext } from '../session/session-context';
import { PasswordChangeFields } from './password-change-fields';

interface PasswordFields {
  readonly oldPassword: string;
  readonly newPassword: string;
  readonly confirm: string;
}

/**
 * "Must reset password at next logon": the session exists, but the server refuses everything
 * except ChangePassword until the password is changed, so this form is all the console shows.
 * Once it succeeds, the session is read again and the shell takes over.
 */
export default function PasswordResetPage() {
  const session = useSession();
  const { refresh, signOut } = useSessionContext();
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async ({ oldPassword, newPassword }: PasswordFields) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await callAction('Ims', 'ChangePassword', { OldPassword: oldPassword, NewPassword: newPassword });
      await refresh();
    } catch (error) {
      setProblem(
        error instanceof ConsoleApiError ? error.message : 'The console could not be reached: try again.',
      );
      setBusy(false);
    }
  };

  return (
    <SignedOutLayout title="Change your password">
      <Typography.Paragraph>
        Your administrator requires <Typography.Text strong>{identityLabel(session)}</Typography.Text> to set
        a new password before using the console.
      </Typography.Paragraph>
      {problem !== undefined && (
        <Alert type="error" showIcon role="alert" title={problem} className="kf-signed-out-alert" />
      )}
      <Form<PasswordFields> layout="vertical" requiredMark={false} onFinish={submit} disabled={busy}>
        <PasswordChangeFields />
        <Button type="primary" htmlType="submit" block loading={busy}>
          Change Password
        </Button>
      </Form>
      <Button type="link" block onClick={() => void signOut()} disabled={busy}>
        Sign Out
      </Button>
    </SignedOutLayout>
  );
}
