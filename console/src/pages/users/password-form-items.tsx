import { Checkbox, Form, Input, Radio } from 'antd';

export type PasswordMode = 'generated' | 'custom' | 'keep';

export interface PasswordValues {
  readonly passwordMode: PasswordMode;
  readonly password?: string;
  readonly resetRequired: boolean;
}

/** The server's rule (ConsolePasswordTooShort): length only, no composition rules. */
const MIN_LENGTH = 12;

/**
 * A console password: generated in the browser or typed, and whether it must be changed at the
 * next logon. `allowKeep` offers leaving the current password as it is (Modify).
 */
export const PasswordFormItems = ({ allowKeep = false }: { readonly allowKeep?: boolean }) => {
  const mode = Form.useWatch<PasswordMode | undefined>('passwordMode');
  return (
    <>
      <Form.Item name="passwordMode" label="Console Password" rules={[{ required: true }]}>
        <Radio.Group
          options={[
            ...(allowKeep ? [{ value: 'keep', label: 'Keep the current password' }] : []),
            { value: 'generated', label: 'Generated password' },
            { value: 'custom', label: 'Custom password' },
          ]}
        />
      </Form.Item>
      {mode === 'custom' && (
        <Form.Item
          name="password"
          label="Password"
          rules={[
            { required: true, message: 'Enter a password.' },
            { min: MIN_LENGTH, message: `At least ${MIN_LENGTH} characters.` },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      )}
      <Form.Item name="resetRequired" valuePropName="checked">
        <Checkbox>Must reset password at next logon</Checkbox>
      </Form.Item>
    </>
  );
};
