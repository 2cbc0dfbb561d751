import { Alert, Button, Form, Modal, Typography } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import { useSession, useSessionContext } from '../session/session-context';
import { PasswordChangeFields } from './password-change-fields';

interface PasswordFields {
  readonly oldPassword: string;
  readonly newPassword: string;
  readonly confirm: string;
}

/**
 * A RAM user changes its own password with IMS ChangePassword, which ends its other sessions.
 * Root has no API for it: its password is set on the host, where no network rule can stop it.
 */
export const ChangePasswordDialog = ({ onClose }: { readonly onClose: () => void }) => {
  const session = useSession();
  const { refresh } = useSessionContext();
  const [form] = Form.useForm<PasswordFields>();
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  if (session.Identity.Type === 'root') {
    return (
      <Modal
        open
        title="Change Password"
        onCancel={onClose}
        footer={
          <Button type="primary" onClick={onClose}>
            OK
          </Button>
        }
      >
        <Typography.Paragraph>
          The root identity's console password is changed on the host that runs KeyFence, reading the store
          directly:
        </Typography.Paragraph>
        <Typography.Paragraph>
          <Typography.Text code copyable>
            keyfence console set-root-password --account {session.AccountId}
          </Typography.Text>
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary">
          It reads the new password from standard input and ends root's sessions.
        </Typography.Paragraph>
      </Modal>
    );
  }

  const submit = async ({ oldPassword, newPassword }: PasswordFields) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await callAction('Ims', 'ChangePassword', { OldPassword: oldPassword, NewPassword: newPassword });
      setDone(true);
    } catch (error) {
      setProblem(
        error instanceof ConsoleApiError ? error.message : 'The console could not be reached: try again.',
      );
    } finally {
      setBusy(false);
    }
  };

  // The session read again: still signed in here, with the others ended.
  const finish = () => void refresh().then(onClose);

  if (done) {
    return (
      <Modal
        open
        title="Change Password"
        onCancel={finish}
        footer={
          <Button type="primary" onClick={finish}>
            OK
          </Button>
        }
      >
        <Alert
          type="success"
          showIcon
          title="Password changed"
          description="Your other console sessions have ended."
        />
      </Modal>
    );
  }

  return (
    <Modal
      open
      title="Change Password"
      okText="OK"
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {problem !== undefined && (
        <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />
      )}
      <Form<PasswordFields>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={submit}
        disabled={busy}
      >
        <PasswordChangeFields />
      </Form>
    </Modal>
  );
};
