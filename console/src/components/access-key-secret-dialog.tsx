import { Modal } from 'antd';
import { AccessKeySavedFooter } from './access-key-saved-footer';
import { AccessKeySecretFields } from './access-key-secret-fields';
import type { CreatedAccessKey } from './access-key-types';

/** The new key's secret, once; no close icon, no Escape, no mask click: only "I have saved the secret". */
export const AccessKeySecretDialog = ({
  accessKey,
  onClose,
}: {
  readonly accessKey: CreatedAccessKey;
  readonly onClose: () => void;
}) => (
  <Modal
    open
    title="AccessKey created"
    closable={false}
    keyboard={false}
    mask={{ closable: false }}
    footer={<AccessKeySavedFooter onClose={onClose} />}
    width={640}
  >
    <AccessKeySecretFields accessKey={accessKey} />
  </Modal>
);
