import { Alert, Button, Drawer, Form, Space } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { PasswordFormItems, type PasswordValues } from './password-form-items';
import { resolvePassword } from './resolve-password';
import type { LoginProfile } from './user-types';

/**
 * Enable console logon (CreateLoginProfile) or modify it (UpdateLoginProfile): the password,
 * generated or typed, and "must reset at next logon". A new password ends the user's sessions.
 */
export const LoginProfileDrawer = ({
  principalName,
  profile,
  onClose,
  onSaved,
}: {
  readonly principalName: string;
  /** The current profile (Modify), or undefined to create one (Enable). */
  readonly profile: LoginProfile | undefined;
  readonly onClose: () => void;
  /** `generated`: the password the browser made, to show once. */
  readonly onSaved: (generated: string | undefined) => void;
}) => {
  const [form] = Form.useForm<PasswordValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const creating = profile === undefined;

  const save = async (values: PasswordValues) => {
    setBusy(true);
    setError(undefined);
    const { password, generated } = resolvePassword(values);
    try {
      await callAction('Ims', creating ? 'CreateLoginProfile' : 'UpdateLoginProfile', {
        UserPrincipalName: principalName,
        Password: password,
        PasswordResetRequired: String(values.resetRequired),
        ...(creating ? { Status: 'Active' } : {}),
      });
      onSaved(generated ? password : undefined);
      onClose();
    } catch (caught) {
      setError(caught instanceof ConsoleApiError ? `${caught.code}: ${caught.message}` : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open
      size={520}
      title={creating ? 'Enable Console Logon' : 'Modify Logon Settings'}
      onClose={onClose}
      footer={
        <Space>
          <Button type="primary" loading={busy} onClick={() => form.submit()}>
            OK
          </Button>
          <Button onClick={onClose}>Cancel</Button>
        </Space>
      }
    >
      <Form<PasswordValues>
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={
          creating
            ? { passwordMode: 'generated', resetRequired: true }
            : { passwordMode: 'keep', resetRequired: profile.PasswordResetRequired }
        }
      >
        <PasswordFormItems allowKeep={!creating} />
      </Form>
      {!creating && <Alert type="info" showIcon title="A new password ends the user's console sessions." />}
      {error !== undefined && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
    </Drawer>
  );
};
