import { Form, InputNumber, Switch } from 'antd';
import type { SecurityPreference } from './security-preference';
import { SettingsDrawer } from './settings-drawer';
import { useSavePreference } from './use-save-preference';

interface SecurityFields {
  readonly loginSessionDuration: number;
  readonly allowUserToChangePassword: boolean;
  readonly allowUserToManageAccessKeys: boolean;
}

export const SecurityDrawer = ({
  preference,
  onClose,
  onSaved,
}: {
  readonly preference: SecurityPreference;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) => {
  const [form] = Form.useForm<SecurityFields>();
  const { busy, error, save } = useSavePreference(onSaved);
  const submit = (fields: SecurityFields) =>
    save({
      LoginSessionDuration: String(fields.loginSessionDuration),
      AllowUserToChangePassword: String(fields.allowUserToChangePassword),
      AllowUserToManageAccessKeys: String(fields.allowUserToManageAccessKeys),
    });
  return (
    <SettingsDrawer
      title="Modify security settings"
      onClose={onClose}
      onOk={() => form.submit()}
      busy={busy}
      error={error}
    >
      <Form<SecurityFields>
        form={form}
        layout="vertical"
        initialValues={preference}
        onFinish={(fields) => void submit(fields)}
        disabled={busy}
      >
        <Form.Item
          label="Login session duration (hours)"
          name="loginSessionDuration"
          extra="1 to 24 hours. A console session also ends after a while without use."
          rules={[
            {
              required: true,
              type: 'integer',
              min: 1,
              max: 24,
              message: 'Enter a whole number of hours from 1 to 24.',
            },
          ]}
        >
          <InputNumber min={1} max={24} precision={0} />
        </Form.Item>
        <Form.Item
          label="Allow users to manage password"
          name="allowUserToChangePassword"
          valuePropName="checked"
          extra="RAM users may change their own console password."
        >
          <Switch />
        </Form.Item>
        <Form.Item
          label="Allow users to manage AccessKey"
          name="allowUserToManageAccessKeys"
          valuePropName="checked"
          extra="Stored for compatibility; KeyFence does not act on it yet."
        >
          <Switch />
        </Form.Item>
      </Form>
    </SettingsDrawer>
  );
};
