import { Typography } from 'antd';
import { useAction } from '../api/use-action';
import type { AccessKeyLastUsedAnswer, AccessKeyOwner } from './access-key-types';
import { UtcTime } from './access-key-utc-time';

/** When and for which service a key was last used: what to watch while rotating it. */
export const AccessKeyLastUsed = ({
  accessKeyId,
  owner,
}: {
  readonly accessKeyId: string;
  readonly owner: AccessKeyOwner;
}) => {
  const { data, error } = useAction<AccessKeyLastUsedAnswer>('Ims', 'GetAccessKeyLastUsed', {
    UserAccessKeyId: accessKeyId,
    UserPrincipalName: owner.principalName,
  });
  if (error !== undefined) return <Typography.Text type="secondary">{error.code}</Typography.Text>;
  if (data === undefined) return <Typography.Text type="secondary">…</Typography.Text>;
  const { LastUsedDate, ServiceName } = data.AccessKeyLastUsed;
  if (LastUsedDate === undefined) return <Typography.Text type="secondary">Never used</Typography.Text>;
  return (
    <span>
      <UtcTime time={LastUsedDate} />
      {ServiceName !== undefined && (
        <>
          <br />
          <Typography.Text type="secondary">{ServiceName}</Typography.Text>
        </>
      )}
    </span>
  );
};
