import { Alert, App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';

interface Values {
  readonly oldPassword: string;
  readonly newPassword: string;
  readonly repeat: string;
}

/** A RAM user changing its own password (ChangePassword): its other console sessions end. */
export const ChangePasswordDialog = ({ onClose }: { readonly onClose: () => void }) => {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const save = async (values: Values) => {
    setBusy(true);
    setError(undefined);
    try {
      await callAction('Ims', 'ChangePassword', {
        OldPassword: values.oldPassword,
        NewPassword: values.newPassword,
      });
      message.success('Password changed. Your other console sessions have ended.');
      onClose();
    } catch (caught) {
      setError(caught instanceof ConsoleApiError ? `${caught.code}: ${caught.message}` : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title="Change Password"
      okText="OK"
      okButtonProps={{ loading: busy }}
      onOk={() => form.submit()}
      onCancel={onClose}
    >
      <Form<Values> form={form} layout="vertical" onFinish={save}>
        <Form.Item name="oldPassword" label="Current Password" rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label="New Password"
          rules={[{ required: true }, { min: 12, message: 'At least 12 characters.' }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label="Repeat New Password"
          dependencies={['newPassword']}
          rules={[
            { required: true },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error('The passwords differ.')),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
      {error !== undefined && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
};
