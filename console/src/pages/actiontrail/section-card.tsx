import { Card } from 'antd';
import { type ReactNode, useId } from 'react';
import { CardTitle } from './card-title';

/**
 * A card of the insights pages as a named region (its title), so that assistive technology, and
 * the browser tests, find "Source IPs" or "Result" as a landmark rather than by its looks.
 */
export const SectionCard = ({
  title,
  extra,
  children,
}: {
  readonly title: string;
  readonly extra?: ReactNode;
  readonly children: ReactNode;
}) => {
  const id = useId();
  return (
    <Card
      size="small"
      role="region"
      aria-labelledby={id}
      title={<CardTitle id={id}>{title}</CardTitle>}
      extra={extra}
    >
      {children}
    </Card>
  );
};
