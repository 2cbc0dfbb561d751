import { Alert, Modal, Typography } from 'antd';

interface ShowJsonModalProps {
  readonly json: string;
  readonly errorCount: number;
  readonly onClose: () => void;
}

/**
 * The `AccessKeyPolicy` exactly as SetAccessKeyPolicy would receive it: what Terraform's
 * `alicloud_ram_access_key_policy` or an SDK call needs. Descriptions are not part of it.
 */
export const ShowJsonModal = ({ json, errorCount, onClose }: ShowJsonModalProps) => (
  <Modal open title="AccessKeyPolicy (JSON)" width={680} onCancel={onClose} footer={null}>
    {errorCount > 0 && (
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 8 }}
        title={`The draft has ${errorCount} ${errorCount === 1 ? 'error' : 'errors'}: the entries in error are left out here.`}
      />
    )}
    <Typography.Paragraph copyable={{ text: json, tooltips: ['Copy', 'Copied'] }}>Copy</Typography.Paragraph>
    <pre className="kf-json" style={{ whiteSpace: 'pre-wrap', maxHeight: 420, overflow: 'auto' }}>
      {JSON.stringify(JSON.parse(json), null, 2)}
    </pre>
  </Modal>
);
