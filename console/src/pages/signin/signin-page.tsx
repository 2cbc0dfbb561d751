import { Typography } from 'antd';

// Placeholder until this page is built (issue 17).
export default function SigninPage() {
  return <Typography.Title level={3}>Sign in</Typography.Title>;
}
