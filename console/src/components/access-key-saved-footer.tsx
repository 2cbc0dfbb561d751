import { Button, Checkbox, Space } from 'antd';
import { useState } from 'react';

/** A one-time secret's dialog closes only once the reader says it is saved. */
export const AccessKeySavedFooter = ({
  what = 'secret',
  onClose,
}: {
  readonly what?: string;
  readonly onClose: () => void;
}) => {
  const [saved, setSaved] = useState(false);
  return (
    <Space style={{ width: '100%', justifyContent: 'space-between' }}>
      <Checkbox checked={saved} onChange={(event) => setSaved(event.target.checked)}>
        I have saved the {what}
      </Checkbox>
      <Button type="primary" disabled={!saved} onClick={onClose}>
        Close
      </Button>
    </Space>
  );
};
