import { CheckCircleFilled, CloseCircleFilled, PauseCircleOutlined, WarningFilled } from '@ant-design/icons';
import { Input, Popover, Space, Switch, Tag, Typography } from 'antd';
import { useId } from 'react';
import { plural, utc } from './format';
import type { EntryUse } from './use-panel-data';
import type { EntryView } from './validate-draft';

interface EntryChipProps {
  readonly entry: EntryView;
  readonly use: EntryUse | undefined;
  readonly windowDays: number;
  readonly onDescription: (description: string) => void;
  readonly onParked: (parked: boolean) => void;
}

// Explicit shades: antd's status tags put their text below AA contrast on their own backgrounds.
const LOOKS = {
  error: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  parked: { color: '#595959', background: '#fafafa', borderColor: '#d9d9d9' },
  warning: { color: '#7a4a00', background: '#fffbe6', borderColor: '#ffe58f' },
  valid: { color: '#1f6b03', background: '#f6ffed', borderColor: '#b7eb8f' },
} as const;

function look(entry: EntryView) {
  if (entry.errors.length > 0) return { style: LOOKS.error, icon: <CloseCircleFilled />, state: 'error' };
  if (entry.parked) return { style: LOOKS.parked, icon: <PauseCircleOutlined />, state: 'parked' };
  if (entry.warnings.length > 0) return { style: LOOKS.warning, icon: <WarningFilled />, state: 'warning' };
  return { style: LOOKS.valid, icon: <CheckCircleFilled />, state: 'valid' };
}

/**
 * One entry in canonical form, coloured by what the server's parser and lint say of it. Clicking
 * it opens its description, the parked switch and, for a stored entry, when it was last used.
 */
export const EntryChip = ({ entry, use, windowDays, onDescription, onParked }: EntryChipProps) => {
  const { style, icon, state } = look(entry);
  const inputId = useId();
  const name = entry.canonical ?? entry.text;
  // The accessible name starts with the visible text, then says what the colour says.
  const shownText = entry.description === undefined ? name : `${name} · ${entry.description}`;
  const details = (
    <Space orientation="vertical" style={{ width: 320 }}>
      {entry.canonical !== undefined && entry.canonical !== entry.text && (
        <Typography.Text type="secondary">Typed as {entry.text}</Typography.Text>
      )}
      {[...entry.errors, ...entry.warnings].map((p) => (
        <Typography.Text
          key={`${p.code}:${p.message}`}
          type={entry.errors.includes(p) ? 'danger' : 'warning'}
        >
          {p.message} ({p.code})
        </Typography.Text>
      ))}
      <label htmlFor={inputId}>Description</label>
      <Input
        id={inputId}
        aria-label={`Description of ${name}`}
        defaultValue={entry.description ?? ''}
        maxLength={256}
        placeholder="What this address is, e.g. office NAT"
        onBlur={(e) => {
          if (e.target.value.trim() !== (entry.description ?? '')) onDescription(e.target.value.trim());
        }}
      />
      {entry.canonical !== undefined && (
        <Space>
          <Switch aria-label={`Park ${name}`} checked={entry.parked} onChange={onParked} size="small" />
          <Typography.Text>Parked: kept with its description, left out of the policy</Typography.Text>
        </Space>
      )}
      {use !== undefined && (
        <Typography.Text type="secondary">
          {use.Hits === 0
            ? `Last used: never in the last ${windowDays} days`
            : `Last used: ${plural(use.Hits, 'call')} from ${plural(use.Sources, 'source')} in the last ${windowDays} days${
                use.LastHit === undefined ? '' : `, last at ${utc(use.LastHit)}`
              }`}
        </Typography.Text>
      )}
    </Space>
  );
  return (
    <Popover trigger="click" title={name} content={details}>
      <Tag
        icon={icon}
        role="button"
        tabIndex={0}
        aria-label={`${shownText} (${state})`}
        style={{
          ...style,
          cursor: 'pointer',
          marginBottom: 4,
          textDecoration: entry.parked ? 'line-through' : undefined,
        }}
      >
        {name}
        {entry.description !== undefined && (
          <span className="kf-chip-description"> · {entry.description}</span>
        )}
      </Tag>
    </Popover>
  );
};
