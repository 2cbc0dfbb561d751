import { Typography } from 'antd';

// Placeholder until this page is built (issue 17).
export default function SetupPage() {
  return <Typography.Title level={3}>Set the root password</Typography.Title>;
}
