import { Typography } from 'antd';

/** A card's title as a heading, so the page reads Settings › Security › … to a screen reader too. */
export const CardTitle = ({ children }: { readonly children: string }) => (
  <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
    {children}
  </Typography.Title>
);
