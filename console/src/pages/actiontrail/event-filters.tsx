import { Button, Form, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { LOOKUP_ATTRIBUTES, type LookupAttribute, MAX_LOOKUP_ATTRIBUTES } from './audit-event';

export type Filter = readonly [LookupAttribute, string];

/** The windows the page offers, in hours back from the server's now. */
export const WINDOWS = [
  { label: 'Last hour', hours: 1 },
  { label: 'Last 24 hours', hours: 24 },
  { label: 'Last 7 days', hours: 24 * 7 },
  { label: 'Last 30 days', hours: 24 * 30 },
  { label: 'Last 90 days', hours: 24 * 90 },
] as const;

export interface Query {
  readonly filters: readonly Filter[];
  readonly hours: number;
}

const VALUE_HINTS: Readonly<Record<LookupAttribute, string>> = {
  AccessKeyId: 'LTAI5t…',
  EventName: 'SetAccessKeyPolicy',
  ServiceName: 'Ims',
  SourceIpAddress: '203.0.113.7',
  UserName: 'alice',
  Result: 'Success or Failure',
  EventRW: 'Read or Write',
};

/** Up to two LookupEvents filters (as ActionTrail takes them) and a window. */
export const EventFilters = ({
  initial,
  onSearch,
}: {
  readonly initial: Query;
  readonly onSearch: (query: Query) => void;
}) => {
  const [rows, setRows] = useState<{ key: LookupAttribute; value: string }[]>(
    initial.filters.length === 0
      ? [{ key: 'AccessKeyId', value: '' }]
      : initial.filters.map(([key, value]) => ({ key, value })),
  );
  const [hours, setHours] = useState(initial.hours);
  const set = (i: number, change: Partial<{ key: LookupAttribute; value: string }>) =>
    setRows(rows.map((row, j) => (j === i ? { ...row, ...change } : row)));
  return (
    <Form
      layout="inline"
      onFinish={() =>
        onSearch({
          filters: rows.filter((r) => r.value.trim() !== '').map((r) => [r.key, r.value.trim()] as const),
          hours,
        })
      }
    >
      {rows.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the rows are positions (LookupAttribute.1, .2), never reordered.
        <Space.Compact key={i} style={{ marginBottom: 8, marginRight: 8 }}>
          <Select
            aria-label={`Filter ${i + 1} attribute`}
            style={{ width: 170 }}
            value={row.key}
            options={LOOKUP_ATTRIBUTES.map((a) => ({ value: a, label: a }))}
            onChange={(key: LookupAttribute) => set(i, { key })}
          />
          <Input
            aria-label={`Filter ${i + 1} value`}
            style={{ width: 260 }}
            placeholder={VALUE_HINTS[row.key]}
            value={row.value}
            onChange={(e) => set(i, { value: e.target.value })}
          />
          {rows.length > 1 && (
            <Button
              aria-label={`Remove filter ${i + 1}`}
              onClick={() => setRows(rows.filter((_, j) => j !== i))}
            >
              ×
            </Button>
          )}
        </Space.Compact>
      ))}
      {rows.length < MAX_LOOKUP_ATTRIBUTES && (
        <Form.Item>
          <Button onClick={() => setRows([...rows, { key: 'EventName', value: '' }])}>Add filter</Button>
        </Form.Item>
      )}
      <Form.Item label="Time range" htmlFor="event-window">
        <Select
          id="event-window"
          style={{ width: 150 }}
          value={hours}
          options={WINDOWS.map((w) => ({ value: w.hours, label: w.label }))}
          onChange={setHours}
        />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit">
          Search
        </Button>
      </Form.Item>
    </Form>
  );
};
