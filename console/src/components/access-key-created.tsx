import { Tag, Tooltip } from 'antd';
import { useSession } from '../session/session-context';
import { daysSince } from './access-key-time';
import { UtcTime } from './access-key-utc-time';

// antd's orange tag text is below 4.5:1 on its own background; orange-8 is not.
const ORANGE_TEXT = '#ad4e00';

/** The creation date, and past the account's rotation threshold the seed's Rotation Recommended tag. */
export const AccessKeyCreated = ({ createDate }: { readonly createDate: string }) => {
  const { RotationDays } = useSession();
  const age = daysSince(createDate);
  return (
    <span>
      <UtcTime time={createDate} />
      {age > RotationDays && (
        <>
          <br />
          <Tooltip
            title={`Created ${age} days ago; rotate: create a second key, move applications, disable this one, then delete it`}
          >
            <Tag color="orange" tabIndex={0} style={{ color: ORANGE_TEXT }}>
              Rotation Recommended
            </Tag>
          </Tooltip>
        </>
      )}
    </span>
  );
};
