import { Descriptions, Modal, Space, Typography } from 'antd';
import { AccessKeySavedFooter } from '../../components/access-key-saved-footer';
import { AccessKeySecretFields } from '../../components/access-key-secret-fields';
import type { CreatedAccessKey } from '../../components/access-key-types';

/**
 * A generated console password and/or a new AccessKey's secret, shown this once: the dialog
 * closes only after "I have saved the …".
 */
export const OneTimeCredentialsDialog = ({
  title,
  principalName,
  password,
  accessKey,
  onClose,
}: {
  readonly title: string;
  readonly principalName: string;
  readonly password?: string;
  readonly accessKey?: CreatedAccessKey;
  readonly onClose: () => void;
}) => (
  <Modal
    open
    title={title}
    closable={false}
    keyboard={false}
    mask={{ closable: false }}
    width={640}
    footer={<AccessKeySavedFooter what={accessKey !== undefined ? 'secret' : 'password'} onClose={onClose} />}
  >
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label="User Logon Name">{principalName}</Descriptions.Item>
        {password !== undefined && (
          <Descriptions.Item label="Console Password">
            <Typography.Text code copyable={{ text: password, tooltips: ['Copy password', 'Copied'] }}>
              {password}
            </Typography.Text>
          </Descriptions.Item>
        )}
      </Descriptions>
      {accessKey !== undefined && <AccessKeySecretFields accessKey={accessKey} />}
    </Space>
  </Modal>
);
