import { Alert, App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import type { GetUserAnswer } from './user-types';

type User = GetUserAnswer['User'];

/** UpdateUser: the display name and the note. */
export const ModifyBasicDialog = ({
  user,
  onClose,
  onSaved,
}: {
  readonly user: User;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) => {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ displayName: string; comments: string }>();
  const [error, setError] = useState<string | undefined>(undefined);
  const save = async (values: { displayName: string; comments: string }) => {
    try {
      await callAction('Ims', 'UpdateUser', {
        UserPrincipalName: user.UserPrincipalName,
        NewDisplayName: values.displayName,
        NewComments: values.comments ?? '',
      });
      message.success('Saved.');
      onSaved();
      onClose();
    } catch (caught) {
      setError(caught instanceof ConsoleApiError ? `${caught.code}: ${caught.message}` : String(caught));
    }
  };
  return (
    <Modal open title="Modify Basic Information" okText="OK" onOk={() => form.submit()} onCancel={onClose}>
      <Form
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={{ displayName: user.DisplayName, comments: user.Comments ?? '' }}
      >
        <Form.Item name="displayName" label="Display Name" rules={[{ required: true }, { max: 128 }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="comments" label="Note" rules={[{ max: 128 }]}>
          <Input autoComplete="off" />
        </Form.Item>
      </Form>
      {error !== undefined && <Alert type="error" showIcon title={error} />}
    </Modal>
  );
};
