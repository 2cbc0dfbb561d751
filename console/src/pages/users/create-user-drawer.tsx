import { Alert, Button, Checkbox, Drawer, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import type { CreateAccessKeyAnswer, CreatedAccessKey } from '../../components/access-key-types';
import { PasswordFormItems, type PasswordValues } from './password-form-items';
import { resolvePassword } from './resolve-password';

interface CreateUserValues extends PasswordValues {
  readonly userName: string;
  readonly displayName: string;
  readonly comments?: string;
  readonly consoleAccess: boolean;
  readonly apiAccess: boolean;
}

/** What was made, for the one-time dialog: the generated password and the new key's secret, if any. */
export interface CreatedUser {
  readonly principalName: string;
  readonly password?: string;
  readonly accessKey?: CreatedAccessKey;
}

const describe = (error: unknown): string =>
  error instanceof ConsoleApiError ? `${error.code}: ${error.message}` : String(error);

/**
 * Create User: CreateUser, then CreateLoginProfile for console access and CreateAccessKey for API
 * access. A later step failing leaves the user created; the drawer says which step failed.
 */
export const CreateUserDrawer = ({
  domain,
  onClose,
  onCreated,
}: {
  readonly domain: string;
  readonly onClose: () => void;
  readonly onCreated: (created: CreatedUser) => void;
}) => {
  const [form] = Form.useForm<CreateUserValues>();
  const consoleAccess = Form.useWatch('consoleAccess', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (values: CreateUserValues) => {
    setBusy(true);
    setError(undefined);
    const principalName = `${values.userName}@${domain}`;
    try {
      await callAction('Ims', 'CreateUser', {
        UserPrincipalName: principalName,
        DisplayName: values.displayName,
        Comments: values.comments || undefined,
      });
    } catch (caught) {
      setError(describe(caught));
      setBusy(false);
      return;
    }
    const created: { principalName: string; password?: string; accessKey?: CreatedAccessKey } = {
      principalName,
    };
    try {
      if (values.consoleAccess) {
        const { password, generated } = resolvePassword(values);
        await callAction('Ims', 'CreateLoginProfile', {
          UserPrincipalName: principalName,
          Password: password,
          PasswordResetRequired: String(values.resetRequired),
          Status: 'Active',
        });
        if (generated) created.password = password;
      }
      if (values.apiAccess) {
        const answer = await callAction<CreateAccessKeyAnswer>('Ims', 'CreateAccessKey', {
          UserPrincipalName: principalName,
        });
        created.accessKey = answer.AccessKey;
      }
    } catch (caught) {
      setError(`User ${principalName} was created, but: ${describe(caught)}`);
      onCreated({ ...created });
      setBusy(false);
      return;
    }
    setBusy(false);
    onCreated(created);
    onClose();
  };

  return (
    <Drawer
      open
      size={560}
      title="Create User"
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
      <Form<CreateUserValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          consoleAccess: false,
          apiAccess: false,
          passwordMode: 'generated',
          resetRequired: true,
        }}
      >
        <Form.Item
          name="userName"
          label="Logon Name"
          rules={[
            { required: true, message: 'Enter a logon name.' },
            {
              pattern: /^[0-9A-Za-z._-]{1,64}$/,
              message: 'Up to 64 letters, digits, ".", "_" and "-".',
            },
          ]}
        >
          <Input suffix={`@${domain}`} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label="Display Name"
          rules={[{ required: true, message: 'Enter a display name.' }, { max: 128 }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="comments" label="Note" rules={[{ max: 128 }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="consoleAccess" valuePropName="checked" style={{ marginBottom: 4 }}>
          <Checkbox>Console access</Checkbox>
        </Form.Item>
        {consoleAccess === true && <PasswordFormItems />}
        <Form.Item name="apiAccess" valuePropName="checked">
          <Checkbox>API access (create an AccessKey; its secret is shown once)</Checkbox>
        </Form.Item>
      </Form>
      {error !== undefined && <Alert type="error" showIcon title={error} />}
    </Drawer>
  );
};
