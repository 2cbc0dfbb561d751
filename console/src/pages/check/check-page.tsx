import { Typography } from 'antd';

// Placeholder until this page is built (issue 17).
export default function Page() {
  return <Typography.Title level={3}>Check an IP</Typography.Title>;
}
