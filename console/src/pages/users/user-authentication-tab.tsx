import { Space } from 'antd';
import { AccessKeyTable } from '../../components/access-key-table';
import { ConsoleLogonCard } from './console-logon-card';

/** The Authentication tab: Console Logon, then the user's AccessKeys. */
export const UserAuthenticationTab = ({
  userName,
  principalName,
  lastLogin,
}: {
  readonly userName: string;
  readonly principalName: string;
  /** GetUser's LastLoginDate: the last console sign-in, absent for never. */
  readonly lastLogin: string | undefined;
}) => (
  <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
    <ConsoleLogonCard principalName={principalName} lastLogin={lastLogin} />
    <AccessKeyTable owner={{ userName, principalName }} />
  </Space>
);
