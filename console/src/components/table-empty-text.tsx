import { Typography } from 'antd';
import type { ReactNode } from 'react';

/**
 * An empty table's text: antd greys it like disabled text (about 2:1 against white), too faint
 * to read, so the console's secondary text colour is used instead.
 */
export const TableEmptyText = ({ children }: { readonly children: ReactNode }) => (
  <Typography.Text type="secondary">{children}</Typography.Text>
);
