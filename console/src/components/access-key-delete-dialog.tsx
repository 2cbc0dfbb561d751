import { Alert, App, Input, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import type { AccessKeyOwner, AccessKeyRow } from './access-key-types';

/** Deleting a key cannot be undone: OK only once its ID is typed (or pasted) exactly. */
export const AccessKeyDeleteDialog = ({
  accessKey,
  owner,
  onClose,
  onDeleted,
}: {
  readonly accessKey: AccessKeyRow;
  readonly owner: AccessKeyOwner;
  readonly onClose: () => void;
  readonly onDeleted: () => void;
}) => {
  const { message } = App.useApp();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const id = accessKey.AccessKeyId;
  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await callAction('Ims', 'DeleteAccessKey', {
        UserAccessKeyId: id,
        UserPrincipalName: owner.principalName,
      });
      message.success(`AccessKey ${id} deleted.`);
      onDeleted();
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
      title="Delete AccessKey"
      okText="Delete"
      okButtonProps={{ danger: true, disabled: typed.trim() !== id, loading: busy }}
      onOk={remove}
      onCancel={onClose}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>
          Applications still using this AccessKey will fail, and its key-level network ACL is deleted with it.
          This cannot be undone.
        </Typography.Paragraph>
        <label htmlFor="delete-access-key-id">
          Enter the AccessKey ID <Typography.Text code>{id}</Typography.Text> to confirm
        </label>
        <Input
          id="delete-access-key-id"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          autoComplete="off"
        />
        {error !== undefined && <Alert type="error" showIcon title={error} />}
      </Space>
    </Modal>
  );
};
