import { Table, type TableColumnsType, Typography } from 'antd';
import { useEffect, useState } from 'react';
import {
  type AuditEvent,
  type LookupAttribute,
  lookupEvents,
  lookupParams,
} from '../actiontrail/audit-event';
import { StatusTag } from '../actiontrail/status-tag';
import { showTime } from '../actiontrail/utc-time';

const RECENT = '10';

/** "Seen before?": the latest calls from this address (of this key, when one is named), from the audit log. */
export const SeenBefore = ({
  ip,
  accessKeyId,
  compact,
}: {
  readonly ip: string;
  readonly accessKeyId: string | undefined;
  /** Beside an open panel: the time and the result only. */
  readonly compact: boolean;
}) => {
  const [events, setEvents] = useState<readonly AuditEvent[] | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    const filters: [LookupAttribute, string][] = [['SourceIpAddress', ip]];
    if (accessKeyId !== undefined) filters.push(['AccessKeyId', accessKeyId]);
    lookupEvents(lookupParams(filters, {}, { MaxResults: RECENT })).then(
      (answer) => current && setEvents(answer.Events),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [ip, accessKeyId]);
  const columns: TableColumnsType<AuditEvent> = [
    { title: 'Time', key: 'time', dataIndex: 'eventTime', render: (t: string) => showTime(t) },
    { title: 'Event', dataIndex: 'eventName' },
    { title: 'AccessKey', key: 'key', render: (_: unknown, e) => e.userIdentity.accessKeyId ?? '—' },
    { title: 'VPC', dataIndex: 'vpcId', render: (v: string | null) => v ?? '—' },
    {
      title: 'Result',
      key: 'result',
      render: (_: unknown, e) =>
        e.errorCode === null ? (
          <StatusTag tone="good">Success</StatusTag>
        ) : (
          <StatusTag tone="bad" wrap={compact}>
            {e.errorCode}
          </StatusTag>
        ),
    },
  ];
  if (failed) return <Typography.Text>The audit log could not be read.</Typography.Text>;
  return (
    <section aria-label="Seen before?">
      <Typography.Text strong>Seen before? </Typography.Text>
      {events !== undefined && (
        <Typography.Text>
          {events.length === 0
            ? `No call from ${ip} in the last 7 days.`
            : events.length === 1
              ? `The latest call from ${ip} (last 7 days):`
              : `The latest ${events.length} calls from ${ip} (last 7 days):`}
        </Typography.Text>
      )}
      {events !== undefined && events.length > 0 && (
        <Table<AuditEvent>
          size="small"
          rowKey="eventId"
          pagination={false}
          dataSource={[...events]}
          columns={columns.filter((column) => !compact || column.key === 'time' || column.key === 'result')}
        />
      )}
    </section>
  );
};
