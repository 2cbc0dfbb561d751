import { Tooltip } from 'antd';
import { StatusTag } from './status-tag';
import { DAY_MS } from './utc-time';

/** The seed's orange tag on a key older than the account's rotation threshold. */
export const RotationTag = ({
  createDate,
  now,
  rotationDays,
}: {
  readonly createDate: string;
  readonly now: Date;
  readonly rotationDays: number;
}) => {
  const age = Math.floor((now.getTime() - new Date(createDate).getTime()) / DAY_MS);
  if (age < rotationDays) return null;
  return (
    <Tooltip
      title={`Created ${age} days ago; rotate: create a second key, move applications, disable this one, then delete it`}
    >
      <StatusTag tone="warn">Rotation Recommended</StatusTag>
    </Tooltip>
  );
};
