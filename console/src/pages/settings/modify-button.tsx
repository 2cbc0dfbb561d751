import { Button, Tooltip } from 'antd';
import { may } from '../../api/console-session';
import { useSession } from '../../session/session-context';

/** Modify, disabled with the reason when the caller may not make the change. */
export const ModifyButton = ({
  needs,
  onClick,
}: {
  readonly needs: string;
  readonly onClick: () => void;
}) => {
  const allowed = may(useSession(), needs);
  const button = (
    <Button onClick={onClick} disabled={!allowed}>
      Modify
    </Button>
  );
  return allowed ? button : <Tooltip title={`Needs ${needs}`}>{button}</Tooltip>;
};
