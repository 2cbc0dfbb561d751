import { Alert, Space, Spin, Typography } from 'antd';
import { useCallback, useMemo } from 'react';
import { useAction } from '../../api/use-action';
import { useSession, useSessionContext } from '../../session/session-context';
import { KeyFenceCard } from './keyfence-card';
import { NetworkAccessControlCard } from './network-access-control-card';
import { SecurityCard } from './security-card';
import { readSecurityPreference } from './security-preference';

/** RAM › Settings: the account's security preference, its two network controls, KeyFence's own. */
export default function SettingsPage() {
  const session = useSession();
  const { refresh } = useSessionContext();
  const answer = useAction('Ims', 'GetSecurityPreference', {});
  const { reload } = answer;
  const preference = useMemo(
    () => (answer.data === undefined ? undefined : readSecurityPreference(answer.data, session)),
    [answer.data, session],
  );
  // The session carries the rotation threshold and preview window other pages use; and masks
  // saved without this session's address have ended it, which the session read then finds.
  const saved = useCallback(() => {
    reload();
    void refresh();
  }, [reload, refresh]);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        Settings
      </Typography.Title>
      {answer.error !== undefined && <Alert type="error" showIcon title={answer.error.message} />}
      {preference === undefined ? (
        answer.loading && <Spin aria-label="Loading the security preference" />
      ) : (
        <>
          <SecurityCard preference={preference} onSaved={saved} />
          <NetworkAccessControlCard masks={preference.loginNetworkMasks} onSaved={saved} />
          <KeyFenceCard preference={preference} onSaved={saved} />
        </>
      )}
    </Space>
  );
}
