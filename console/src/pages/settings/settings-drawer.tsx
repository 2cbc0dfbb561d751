import { Alert, Button, Drawer, Space } from 'antd';
import type { ReactNode } from 'react';

interface SettingsDrawerProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly onOk: () => void;
  readonly okDisabled?: boolean;
  readonly busy: boolean;
  /** The server's refusal, word for word. */
  readonly error: string | undefined;
  readonly children: ReactNode;
}

/** The right-hand drawer each Settings card's Modify opens: the form, then OK and Cancel. */
export const SettingsDrawer = ({
  title,
  onClose,
  onOk,
  okDisabled,
  busy,
  error,
  children,
}: SettingsDrawerProps) => (
  <Drawer
    open
    title={title}
    size={560}
    onClose={onClose}
    destroyOnHidden
    footer={
      <Space>
        <Button type="primary" onClick={onOk} loading={busy} disabled={okDisabled}>
          OK
        </Button>
        <Button onClick={onClose}>Cancel</Button>
      </Space>
    }
  >
    {error !== undefined && (
      <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />
    )}
    {children}
  </Drawer>
);
