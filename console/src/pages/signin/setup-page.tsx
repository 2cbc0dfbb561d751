import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ConsoleApiError } from '../../api/console-api-error';
import { completeSetup } from '../../api/console-client';
import { useSessionContext } from '../../session/session-context';
import { MIN_PASSWORD_LENGTH } from '../../shell/password-rules';
import { SignedOutLayout } from './signed-out-layout';

interface SetupFields {
  readonly password: string;
  readonly confirm: string;
}

const problemOf = (error: unknown): string => {
  if (!(error instanceof ConsoleApiError)) return 'The console could not be reached: try again.';
  if (error.code === 'ConsoleSetupTokenInvalid') {
    return `${error.message} A setup link works once and for one hour; restart keyfence serve for a new one.`;
  }
  return error.message;
};

/**
 * The first visit: `keyfence serve` printed `/console/setup#<token>`. The token sits in the
 * fragment, so no proxy logs it; it is sent once, with the new root password, and dropped from the
 * address bar.
 */
export default function SetupPage() {
  const { signedIn } = useSessionContext();
  const navigate = useNavigate();
  const { hash } = useLocation();
  const token = hash.replace(/^#/, '');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async ({ password }: SetupFields) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const session = await completeSetup(token, password);
      signedIn(session);
      navigate('/', { replace: true });
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  };

  return (
    <SignedOutLayout title="Set the root password">
      {token === '' ? (
        <Alert
          type="warning"
          showIcon
          title="This address has no setup token"
          description={
            <>
              Open the whole link <Typography.Text code>keyfence serve</Typography.Text> printed (
              <Typography.Text code>…/console/setup#&lt;token&gt;</Typography.Text>), or set the password on
              the host with <Typography.Text code>keyfence console set-root-password</Typography.Text>.
            </>
          }
        />
      ) : (
        <>
          <Typography.Paragraph>
            Choose the console password of this account's root identity. You sign in with the account ID and
            this password; it never gives an AccessKey.
          </Typography.Paragraph>
          {problem !== undefined && (
            <Alert type="error" showIcon role="alert" title={problem} className="kf-signed-out-alert" />
          )}
          <Form<SetupFields> layout="vertical" requiredMark={false} onFinish={submit} disabled={busy}>
            <Form.Item
              label="New password"
              name="password"
              extra={`At least ${MIN_PASSWORD_LENGTH} characters; a passphrase is fine.`}
              rules={[
                { required: true, message: 'Enter a password.' },
                { min: MIN_PASSWORD_LENGTH, message: `Use at least ${MIN_PASSWORD_LENGTH} characters.` },
              ]}
            >
              <Input.Password autoComplete="new-password" autoFocus />
            </Form.Item>
            <Form.Item
              label="Confirm password"
              name="confirm"
              dependencies={['password']}
              rules={[
                { required: true, message: 'Enter the password again.' },
                ({ getFieldValue }) => ({
                  validator: (_, value) =>
                    value === undefined || value === getFieldValue('password')
                      ? Promise.resolve()
                      : Promise.reject(new Error('The two passwords differ.')),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              Set Password
            </Button>
          </Form>
        </>
      )}
    </SignedOutLayout>
  );
}
