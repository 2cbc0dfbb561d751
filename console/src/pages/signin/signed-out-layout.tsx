import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';

/** The frame of the pages shown before sign-in: the product's name over one card. */
export const SignedOutLayout = ({
  title,
  children,
}: {
  readonly title: string;
  readonly children: ReactNode;
}) => (
  <main className="kf-signed-out">
    <Typography.Text strong className="kf-signed-out-brand">
      KeyFence
    </Typography.Text>
    <Card className="kf-signed-out-card">
      <Typography.Title level={1} className="kf-signed-out-title">
        {title}
      </Typography.Title>
      {children}
    </Card>
  </main>
);
