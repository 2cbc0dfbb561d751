import { Space, Switch } from 'antd';
import type { AccessKeyRow } from './access-key-types';

/** Active / Inactive as a switch; flipping it only asks (`onToggle` confirms, then the list reloads). */
export const AccessKeyStatusSwitch = ({
  accessKey,
  editable,
  onToggle,
}: {
  readonly accessKey: AccessKeyRow;
  readonly editable: boolean;
  readonly onToggle: (key: AccessKeyRow) => void;
}) => (
  <Space size={6}>
    <Switch
      size="small"
      checked={accessKey.Status === 'Active'}
      disabled={!editable}
      aria-label={`Status of AccessKey ${accessKey.AccessKeyId}`}
      onChange={() => onToggle(accessKey)}
    />
    {accessKey.Status}
  </Space>
);
