import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Space, Typography } from 'antd';
import { downloadAccessKeyCsv } from './access-key-csv';
import type { CreatedAccessKey } from './access-key-types';

/** The one time a secret is shown: the pair, Copy and Download CSV. */
export const AccessKeySecretFields = ({ accessKey }: { readonly accessKey: CreatedAccessKey }) => {
  const { message } = App.useApp();
  const copy = () =>
    navigator.clipboard
      .writeText(`AccessKey ID: ${accessKey.AccessKeyId}\nAccessKey Secret: ${accessKey.AccessKeySecret}`)
      .then(
        () => message.success('Copied the AccessKey pair.'),
        () => message.warning('The browser refused the clipboard: select the secret and copy it.'),
      );
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Alert
        type="warning"
        showIcon
        title="The AccessKey secret is shown only once. Save it now: it cannot be retrieved later."
      />
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label="AccessKey ID">
          <Typography.Text code>{accessKey.AccessKeyId}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="AccessKey Secret">
          <Typography.Text code data-testid="access-key-secret">
            {accessKey.AccessKeySecret}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Space>
        <Button icon={<CopyOutlined />} onClick={copy}>
          Copy
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => downloadAccessKeyCsv(accessKey)}>
          Download CSV
        </Button>
      </Space>
    </Space>
  );
};
