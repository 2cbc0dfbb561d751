import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { signIn } from '../../api/console-client';
import { useSessionContext } from '../../session/session-context';
import { SignedOutLayout } from './signed-out-layout';
import { endedSessionMessage, type SigninProblem, signinProblem, throttledMessage } from './signin-errors';
import { useCountdown } from './use-countdown';

interface SigninFields {
  readonly principal: string;
  readonly password: string;
}

/** Where the visitor was going before being sent to sign in. */
const destination = (state: unknown): string => {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && from !== '/signin' ? from : '/';
};

/**
 * Root signs in with the account ID, a RAM user with its logon name. Every failure reads the same
 * (the server words it), so the page never tells which part was wrong.
 */
export default function SigninPage() {
  const { state, signedIn } = useSessionContext();
  const navigate = useNavigate();
  const location = useLocation();
  const [problem, setProblem] = useState<SigninProblem | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [wait, startWait] = useCountdown();
  const setupRequired = state.status === 'signed-out' && state.setupRequired;
  const ended = state.status === 'signed-out' ? endedSessionMessage(state.reason) : undefined;

  const submit = async ({ principal, password }: SigninFields) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const session = await signIn(principal.trim(), password);
      signedIn(session);
      navigate(destination(location.state), { replace: true });
    } catch (error) {
      const found = signinProblem(error);
      setProblem(found);
      if (found.retryAfterSeconds !== undefined) startWait(found.retryAfterSeconds);
      setBusy(false);
    }
  };

  return (
    <SignedOutLayout title="Sign in">
      {ended !== undefined && problem === undefined && (
        <Alert type="warning" showIcon title={ended} className="kf-signed-out-alert" />
      )}
      {setupRequired && (
        <Alert
          type="info"
          showIcon
          className="kf-signed-out-alert"
          title="The root identity has no console password yet"
          description={
            <>
              Open the setup link <Typography.Text code>keyfence serve</Typography.Text> printed at start
              (…/console/setup#…), or run{' '}
              <Typography.Text code>keyfence console set-root-password</Typography.Text> on the host.
            </>
          }
        />
      )}
      {problem !== undefined && (
        <Alert
          type="error"
          showIcon
          role="alert"
          className="kf-signed-out-alert"
          title={problem.retryAfterSeconds === undefined ? problem.message : throttledMessage(wait)}
        />
      )}
      <Form<SigninFields> layout="vertical" requiredMark={false} onFinish={submit} disabled={busy}>
        <Form.Item
          label="Account ID or user principal name"
          name="principal"
          extra="The account ID for root; alice@<account ID>.onaliyun.com for a RAM user."
          rules={[{ required: true, whitespace: true, message: 'Enter the account ID or the logon name.' }]}
        >
          <Input autoComplete="username" autoFocus spellCheck={false} />
        </Form.Item>
        <Form.Item
          label="Password"
          name="password"
          rules={[{ required: true, message: 'Enter the password.' }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} disabled={wait > 0}>
          Sign In
        </Button>
      </Form>
    </SignedOutLayout>
  );
}
