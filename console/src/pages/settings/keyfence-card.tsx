import { Card, Descriptions } from 'antd';
import { useState } from 'react';
import { useSession } from '../../session/session-context';
import { CardTitle } from './card-title';
import { KeyFenceDrawer } from './keyfence-drawer';
import { ModifyButton } from './modify-button';
import type { SecurityPreference } from './security-preference';

const days = (count: number): string => `${count} ${count === 1 ? 'day' : 'days'}`;

/** KeyFence's own settings, stored beside the security preference and changed the same way. */
export const KeyFenceCard = ({
  preference,
  onSaved,
}: {
  readonly preference: SecurityPreference;
  readonly onSaved: () => void;
}) => {
  const retention = useSession().RetentionDays;
  const [modifying, setModifying] = useState(false);
  return (
    <Card
      title={<CardTitle>KeyFence</CardTitle>}
      extra={<ModifyButton needs="ram:SetSecurityPreference" onClick={() => setModifying(true)} />}
    >
      <Descriptions
        column={1}
        size="small"
        items={[
          {
            key: 'rotation',
            label: 'AccessKey rotation',
            children: `Rotation recommended after ${days(preference.accessKeyRotationDays)}`,
          },
          {
            key: 'preview',
            label: 'Default impact preview window',
            children: `${days(preference.impactPreviewDays)} (audit events are kept ${days(retention)})`,
          },
        ]}
      />
      {modifying && (
        <KeyFenceDrawer
          preference={preference}
          onClose={() => setModifying(false)}
          onSaved={() => {
            setModifying(false);
            onSaved();
          }}
        />
      )}
    </Card>
  );
};
