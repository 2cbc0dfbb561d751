import { Alert, Button, Drawer, Form, Input, InputNumber, Space } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { useSession } from '../../session/session-context';
import { accountTrustPolicy, type Role, type RoleAnswer } from './role-types';

interface Values {
  readonly roleName: string;
  readonly description?: string;
  readonly maxSessionDuration: number;
  readonly trustPolicy: string;
}

/** CreateRole: name, description, maximum session duration and the trust policy (checked by the server). */
export const CreateRoleDrawer = ({
  onClose,
  onCreated,
}: {
  readonly onClose: () => void;
  readonly onCreated: (role: Role) => void;
}) => {
  const { AccountId } = useSession();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const create = async (values: Values) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await callAction<RoleAnswer>('Ram', 'CreateRole', {
        RoleName: values.roleName,
        Description: values.description || undefined,
        MaxSessionDuration: String(values.maxSessionDuration),
        AssumeRolePolicyDocument: values.trustPolicy,
      });
      onCreated(answer.Role);
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
      size={560}
      title="Create Role"
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
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={create}
        initialValues={{ maxSessionDuration: 3600, trustPolicy: accountTrustPolicy(AccountId) }}
      >
        <Form.Item
          name="roleName"
          label="Role Name"
          rules={[
            { required: true, message: 'Enter a role name.' },
            { pattern: /^[0-9A-Za-z.-]{1,64}$/, message: 'Up to 64 letters, digits, "." and "-".' },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="description" label="Description" rules={[{ max: 1024 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item
          name="maxSessionDuration"
          label="Maximum Session Duration (seconds)"
          rules={[{ required: true }]}
        >
          <InputNumber min={3600} max={43_200} step={3600} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item
          name="trustPolicy"
          label="Trust Policy"
          extra="Who may assume the role. By default: any identity of this account allowed to call sts:AssumeRole."
          rules={[{ required: true }]}
        >
          <Input.TextArea rows={10} style={{ fontFamily: 'monospace' }} spellCheck={false} />
        </Form.Item>
      </Form>
      {error !== undefined && <Alert type="error" showIcon title={error} />}
    </Drawer>
  );
};
