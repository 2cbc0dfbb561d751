import { Card, Descriptions, Typography } from 'antd';
import { useState } from 'react';
import { CardTitle } from './card-title';
import { ModifyButton } from './modify-button';
import { SecurityDrawer } from './security-drawer';
import type { SecurityPreference } from './security-preference';

const yesNo = (value: boolean): string => (value ? 'Yes' : 'No');

/** Session length and what RAM users may manage themselves; the MFA slot waits here. */
export const SecurityCard = ({
  preference,
  onSaved,
}: {
  readonly preference: SecurityPreference;
  readonly onSaved: () => void;
}) => {
  const [modifying, setModifying] = useState(false);
  return (
    <Card
      title={<CardTitle>Security</CardTitle>}
      extra={<ModifyButton needs="ram:SetSecurityPreference" onClick={() => setModifying(true)} />}
    >
      <Descriptions
        column={1}
        size="small"
        items={[
          {
            key: 'duration',
            label: 'Login session duration',
            children: `${preference.loginSessionDuration} ${preference.loginSessionDuration === 1 ? 'hour' : 'hours'}`,
          },
          {
            key: 'password',
            label: 'Allow users to manage password',
            children: yesNo(preference.allowUserToChangePassword),
          },
          {
            key: 'access-keys',
            label: 'Allow users to manage AccessKey',
            children: yesNo(preference.allowUserToManageAccessKeys),
          },
          {
            key: 'mfa',
            label: 'MFA for console sign-in',
            children: <Typography.Text type="secondary">Not available yet</Typography.Text>,
          },
        ]}
      />
      {modifying && (
        <SecurityDrawer
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
