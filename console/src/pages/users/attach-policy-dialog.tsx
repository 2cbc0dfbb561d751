import { Alert, App, Form, Modal, Select } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { SYSTEM_POLICY_NAMES } from './system-policies';

/** AttachPolicyToUser for the system policies not attached yet. */
export const AttachPolicyDialog = ({
  userName,
  attached,
  onClose,
  onAttached,
}: {
  readonly userName: string;
  readonly attached: readonly string[];
  readonly onClose: () => void;
  readonly onAttached: () => void;
}) => {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ policies: string[] }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const attach = async ({ policies }: { policies: string[] }) => {
    setBusy(true);
    setError(undefined);
    try {
      for (const policyName of policies) {
        await callAction('Ram', 'AttachPolicyToUser', {
          UserName: userName,
          PolicyType: 'System',
          PolicyName: policyName,
        });
      }
      message.success(`Attached ${policies.join(', ')}.`);
      onAttached();
      onClose();
    } catch (caught) {
      setError(caught instanceof ConsoleApiError ? `${caught.code}: ${caught.message}` : String(caught));
      onAttached();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title="Attach Policy"
      okText="OK"
      okButtonProps={{ loading: busy }}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Form form={form} layout="vertical" onFinish={attach}>
        <Form.Item
          name="policies"
          label="System policies"
          rules={[{ required: true, message: 'Choose at least one policy.' }]}
        >
          <Select
            mode="multiple"
            options={SYSTEM_POLICY_NAMES.filter((name) => !attached.includes(name)).map((name) => ({
              value: name,
              label: name,
            }))}
          />
        </Form.Item>
      </Form>
      {error !== undefined && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
};
