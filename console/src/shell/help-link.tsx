import { QuestionCircleOutlined } from '@ant-design/icons';
import { Tooltip } from 'antd';

/** The "?" every page carries, to its part of the user's guide (docs/console.md in the repository). */
export const HelpLink = ({ anchor }: { readonly anchor: string }) => (
  <Tooltip title="Help for this page">
    <a
      href={`https://github.com/keyfence/keyfence/blob/main/docs/console.md#${anchor}`}
      target="_blank"
      rel="noreferrer"
      aria-label="Help for this page"
    >
      <QuestionCircleOutlined />
    </a>
  </Tooltip>
);
