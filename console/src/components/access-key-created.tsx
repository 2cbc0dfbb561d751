import { Tag, Tooltip } from 'antd';
import { useSession } from '../session/session-context';
import { daysSince, formatUtc } from './access-key-time';

/** The creation date, and past the account's rotation threshold the seed's Rotation Recommended tag. */
export const AccessKeyCreated = ({ createDate }: { readonly createDate: string }) => {
  const { RotationDays } = useSession();
  const age = daysSince(createDate);
  return (
    <span>
      {formatUtc(createDate)}
      {age > RotationDays && (
        <>
          <br />
          <Tooltip
            title={`Created ${age} days ago; rotate: create a second key, move applications, disable this one, then delete it`}
          >
            <Tag color="orange" tabIndex={0}>
              Rotation Recommended
            </Tag>
          </Tooltip>
        </>
      )}
    </span>
  );
};
