import { Space, Tag, Typography } from 'antd';
import { useId, useState } from 'react';
import { LogonMaskDrawer } from './logon-mask-drawer';
import { ModifyButton } from './modify-button';

export const LOGON_MASK_ROW_TITLE = 'Logon mask';

/** Where console sign-in may come from: the masks, or any network. */
export const LogonMaskRow = ({
  masks,
  onSaved,
}: {
  readonly masks: readonly string[];
  readonly onSaved: () => void;
}) => {
  const titleId = useId();
  const [modifying, setModifying] = useState(false);
  return (
    <section aria-labelledby={titleId} className="kf-settings-row">
      <Space align="start" style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} id={titleId} style={{ fontSize: 14, margin: 0 }}>
          {LOGON_MASK_ROW_TITLE}
        </Typography.Title>
        <ModifyButton needs="ram:SetSecurityPreference" onClick={() => setModifying(true)} />
      </Space>
      <Typography.Paragraph style={{ marginTop: 8 }}>
        Checks console sign-in and every console request. It never applies to API calls made with an
        AccessKey: that is the network ACL's job.
      </Typography.Paragraph>
      {masks.length === 0 ? (
        <Typography.Text>Any network</Typography.Text>
      ) : (
        <Space wrap size={[4, 4]}>
          {masks.map((mask) => (
            <Tag key={mask}>{mask}</Tag>
          ))}
        </Space>
      )}
      {modifying && (
        <LogonMaskDrawer
          masks={masks}
          onClose={() => setModifying(false)}
          onSaved={() => {
            setModifying(false);
            onSaved();
          }}
        />
      )}
    </section>
  );
};
