import { Button, Card, Descriptions, Typography } from 'antd';
import { useState } from 'react';
import { may } from '../../api/console-session';
import { formatUtc } from '../../components/access-key-time';
import { useSession } from '../../session/session-context';
import { ModifyBasicDialog } from './modify-basic-dialog';
import type { GetUserAnswer } from './user-types';

type User = GetUserAnswer['User'];

/** The Basic tab: who the user is, as GetUser answers. */
export const UserBasicTab = ({
  user,
  onChanged,
}: {
  readonly user: User;
  readonly onChanged: () => void;
}) => {
  const session = useSession();
  const [modifying, setModifying] = useState(false);
  return (
    <Card
      title="Basic Information"
      extra={
        may(session, 'ram:UpdateUser') && (
          <Button onClick={() => setModifying(true)}>Modify Basic Information</Button>
        )
      }
    >
      <Descriptions column={2} size="small">
        <Descriptions.Item label="User Logon Name">
          <Typography.Text copyable={{ tooltips: ['Copy logon name', 'Copied'] }}>
            {user.UserPrincipalName}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="Display Name">{user.DisplayName}</Descriptions.Item>
        <Descriptions.Item label="UID">{user.UserId}</Descriptions.Item>
        <Descriptions.Item label="Note">{user.Comments || '—'}</Descriptions.Item>
        <Descriptions.Item label="Created">{formatUtc(user.CreateDate)}</Descriptions.Item>
        <Descriptions.Item label="Updated">{formatUtc(user.UpdateDate)}</Descriptions.Item>
      </Descriptions>
      {modifying && <ModifyBasicDialog user={user} onClose={() => setModifying(false)} onSaved={onChanged} />}
    </Card>
  );
};
