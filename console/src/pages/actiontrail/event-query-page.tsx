import { Alert, Button, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ConsoleApiError } from '../../api/console-api-error';
import {
  type AuditEvent,
  LOOKUP_ATTRIBUTES,
  type LookupAttribute,
  type LookupEventsAnswer,
  lookupEvents,
  lookupParams,
  MAX_LOOKUP_ATTRIBUTES,
} from './audit-event';
import { EventDetail } from './event-detail';
import { EventFilters, type Filter, type Query } from './event-filters';
import { serverNow } from './server-now';
import { StatusTag } from './status-tag';
import { alibabaTime, showTime } from './utc-time';

const PAGE_SIZE = '50';
const DEFAULT_HOURS = 24 * 7;

/** The query a URL names: `?AccessKeyId=…&ServiceName=…&hours=24` (the AccessKey Audit's Event List links). */
const queryOf = (params: URLSearchParams): Query => {
  const filters: Filter[] = [];
  for (const [name, value] of params) {
    if ((LOOKUP_ATTRIBUTES as readonly string[]).includes(name) && value !== '') {
      filters.push([name as LookupAttribute, value]);
    }
  }
  const hours = Number(params.get('hours'));
  return {
    filters: filters.slice(0, MAX_LOOKUP_ATTRIBUTES),
    hours: Number.isInteger(hours) && hours > 0 ? hours : DEFAULT_HOURS,
  };
};

const urlOf = (query: Query): URLSearchParams => {
  const params = new URLSearchParams(query.filters.map(([k, v]) => [k, v]));
  params.set('hours', String(query.hours));
  return params;
};

interface PageState {
  readonly answer: LookupEventsAnswer;
  /** The NextToken each page was read with ('' for the first), to go back. */
  readonly tokens: readonly string[];
}

/** ActionTrail's Event Query over KeyFence's audit log: LookupEvents as it is, 50 events a page. */
export default function EventQueryPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const query = queryOf(params);
  const queryKey = urlOf(query).toString();
  const [window, setWindow] = useState<{ start: string; end: string } | undefined>(undefined);
  const [page, setPage] = useState<PageState | undefined>(undefined);
  const [error, setError] = useState<ConsoleApiError | undefined>(undefined);
  const [loading, setLoading] = useState(false);

  const load = async (
    q: Query,
    w: { start: string; end: string },
    token: string,
    tokens: readonly string[],
  ) => {
    setLoading(true);
    setError(undefined);
    try {
      const answer = await lookupEvents(
        lookupParams(q.filters, w, { MaxResults: PAGE_SIZE, ...(token === '' ? {} : { NextToken: token }) }),
      );
      setPage({ answer, tokens: [...tokens, token] });
    } catch (e) {
      setError(e instanceof ConsoleApiError ? e : new ConsoleApiError(0, {}));
    } finally {
      setLoading(false);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `queryKey` stands for `query`.
  useEffect(() => {
    let current = true;
    setPage(undefined);
    void serverNow()
      .then((now) => {
        if (!current) return;
        const w = {
          start: alibabaTime(new Date(now.getTime() - query.hours * 3_600_000)),
          end: alibabaTime(now),
        };
        setWindow(w);
        return load(query, w, '', []);
      })
      .catch(
        (e: unknown) => current && setError(e instanceof ConsoleApiError ? e : new ConsoleApiError(0, {})),
      );
    return () => {
      current = false;
    };
  }, [queryKey]);

  const events = page?.answer.Events ?? [];
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>Event Query</Typography.Title>
      <EventFilters key={queryKey} initial={query} onSearch={(q) => setParams(urlOf(q))} />
      {window !== undefined && (
        <Typography.Text>
          From {showTime(window.start)} to {showTime(window.end)} UTC, newest first.
        </Typography.Text>
      )}
      {error !== undefined && <Alert type="error" showIcon message={`${error.code}: ${error.message}`} />}
      <Table<AuditEvent>
        size="small"
        rowKey="eventId"
        loading={loading}
        // Ten columns of IDs and codes: the table scrolls sideways rather than widening the page.
        scroll={{ x: 'max-content' }}
        dataSource={[...events]}
        pagination={false}
        expandable={{ expandedRowRender: (event) => <EventDetail event={event} /> }}
        columns={[
          { title: 'Time', dataIndex: 'eventTime', render: (t: string) => showTime(t) },
          { title: 'Event', dataIndex: 'eventName', render: (n: string | null) => n ?? '—' },
          { title: 'Service', dataIndex: 'serviceName', render: (n: string | null) => n ?? '—' },
          { title: 'User', key: 'user', render: (_: unknown, e) => e.userIdentity.userName ?? '—' },
          { title: 'AccessKey', key: 'key', render: (_: unknown, e) => e.userIdentity.accessKeyId ?? '—' },
          { title: 'Source IP', dataIndex: 'sourceIpAddress', render: (n: string | null) => n ?? '—' },
          { title: 'VPC', dataIndex: 'vpcId', render: (n: string | null) => n ?? '—' },
          {
            title: 'Result',
            key: 'result',
            render: (_: unknown, e) =>
              e.errorCode === null ? (
                <StatusTag tone="good">Success</StatusTag>
              ) : (
                <StatusTag tone="bad">Failure</StatusTag>
              ),
          },
          { title: 'Error code', dataIndex: 'errorCode', render: (n: string | null) => n ?? '' },
          {
            title: 'Actions',
            key: 'actions',
            render: (_: unknown, e) =>
              e.keyfence?.allowed === false && e.requestId !== null ? (
                <Button
                  size="small"
                  aria-label={`Explain the denial of ${e.requestId}`}
                  onClick={() => navigate(`/check?requestId=${encodeURIComponent(e.requestId!)}`)}
                >
                  Explain
                </Button>
              ) : null,
          },
        ]}
      />
      {page !== undefined && window !== undefined && (
        <Space>
          <Button
            disabled={page.tokens.length < 2 || loading}
            onClick={() => void load(query, window, page.tokens.at(-2)!, page.tokens.slice(0, -2))}
          >
            Previous page
          </Button>
          <Button
            disabled={page.answer.NextToken === '' || loading}
            onClick={() => void load(query, window, page.answer.NextToken, page.tokens)}
          >
            Next page
          </Button>
        </Space>
      )}
    </Space>
  );
}
