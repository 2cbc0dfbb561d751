import { Button, type ButtonProps, Tooltip } from 'antd';

/**
 * A button that says why it is disabled: the tooltip sits on a wrapper, because a disabled button
 * receives no pointer events to show one.
 */
export const ExplainedButton = ({
  reason,
  ...props
}: ButtonProps & { readonly reason: string | undefined }) =>
  reason === undefined ? (
    <Button {...props} />
  ) : (
    <Tooltip title={reason}>
      <span style={{ display: 'inline-block', cursor: 'not-allowed' }}>
        <Button {...props} disabled style={{ ...props.style, pointerEvents: 'none' }} />
      </span>
    </Tooltip>
  );
