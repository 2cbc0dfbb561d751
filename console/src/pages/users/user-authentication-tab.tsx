import { Space } from 'antd';
import { AccessKeyTable } from '../../components/access-key-table';
import { ConsoleLogonCard } from './console-logon-card';

/** The Authentication tab: Console Logon, then the user's AccessKeys. */
export const UserAuthenticationTab = ({
  userName,
  principalName,
}: {
  readonly userName: string;
  readonly principalName: string;
}) => (
  <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
    <ConsoleLogonCard principalName={principalName} />
    <AccessKeyTable owner={{ userName, principalName }} />
  </Space>
);
