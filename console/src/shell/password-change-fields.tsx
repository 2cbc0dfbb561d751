import { Form, Input } from 'antd';
import { MIN_PASSWORD_LENGTH } from './password-rules';

/** The current password, the new one and its confirmation: Change Password's and the forced reset's. */
export const PasswordChangeFields = () => (
  <>
    <Form.Item
      label="Current password"
      name="oldPassword"
      rules={[{ required: true, message: 'Enter your current password.' }]}
    >
      <Input.Password autoComplete="current-password" autoFocus />
    </Form.Item>
    <Form.Item
      label="New password"
      name="newPassword"
      extra={`At least ${MIN_PASSWORD_LENGTH} characters; a passphrase is fine.`}
      rules={[
        { required: true, message: 'Enter a new password.' },
        { min: MIN_PASSWORD_LENGTH, message: `Use at least ${MIN_PASSWORD_LENGTH} characters.` },
      ]}
    >
      <Input.Password autoComplete="new-password" />
    </Form.Item>
    <Form.Item
      label="Confirm new password"
      name="confirm"
      dependencies={['newPassword']}
      rules={[
        { required: true, message: 'Enter the new password again.' },
        ({ getFieldValue }) => ({
          validator: (_, value) =>
            value === undefined || value === getFieldValue('newPassword')
              ? Promise.resolve()
              : Promise.reject(new Error('The two passwords differ.')),
        }),
      ]}
    >
      <Input.Password autoComplete="new-password" />
    </Form.Item>
  </>
);
