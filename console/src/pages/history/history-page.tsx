import { Alert, Button, Card, Form, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { usePolicyPanel } from '../../policy-panel/policy-panel-context';
import type { PolicyScope } from '../../policy-panel/policy-scope';
import { useSession } from '../../session/session-context';
import { keyLabel, keyTarget, useAccountKeys } from '../actiontrail/account-keys';
import type { AuditEvent } from '../actiontrail/audit-event';
import { CardTitle } from '../actiontrail/card-title';
import { serverNow } from '../actiontrail/server-now';
import { showTime } from '../actiontrail/utc-time';
import { scopeParam } from '../recommend/recommendation';
import { actorOf, listPolicyChanges } from './policy-changes';
import { SideBySideDiff } from './side-by-side-diff';

const MAX_CHANGES = 100;

interface Change {
  readonly event: AuditEvent;
  /** The document this change set, when known: kept in its event, or the stored one for the latest. */
  readonly document: string | undefined;
  readonly descriptions: string | undefined;
}

/**
 * Policy history: every Set* change of one scope, who made it and from where, each beside the
 * change before it. The documents come from the events when they keep them (the
 * `AccessKeyPolicy` and `EntryDescriptions` parameters); the latest change's is the stored one.
 */
export default function HistoryPage() {
  const session = useSession();
  const panel = usePolicyPanel();
  const [params, setParams] = useSearchParams();
  const scope = scopeParam(params.get('scope'));
  const scopeValue = scope.kind === 'account' ? 'account' : `ak:${scope.accessKeyId}`;
  const { keys } = useAccountKeys(session);
  const [changes, setChanges] = useState<readonly Change[] | undefined>(undefined);
  const [error, setError] = useState<ConsoleApiError | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const key = scope.kind === 'accessKey' ? keys?.find((k) => k.accessKeyId === scope.accessKeyId) : undefined;
  const ready = scope.kind === 'account' || key !== undefined;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `scopeValue` stands for `scope`; `key` once keys load.
  useEffect(() => {
    if (!ready) return;
    let current = true;
    setChanges(undefined);
    setError(undefined);
    setSelected(undefined);
    const stored =
      key === undefined
        ? callAction<{ AccessKeyPolicy: string }>('Ims', 'GetAccessKeyPolicyForAccount')
        : callAction<{ AccessKeyPolicy: string }>('Ims', 'GetAccessKeyPolicy', keyTarget(key, session));
    Promise.all([
      serverNow().then((now) => listPolicyChanges(scope, MAX_CHANGES, now, session.RetentionDays)),
      stored,
    ])
      .then(([events, current]) =>
        events.map((event, i) => ({
          event,
          document:
            event.requestParameters.AccessKeyPolicy ?? (i === 0 ? current.AccessKeyPolicy : undefined),
          descriptions: event.requestParameters.EntryDescriptions,
        })),
      )
      .then(
        (found) => {
          if (!current) return;
          setChanges(found);
          setSelected(found[0]?.event.eventId);
        },
        (e: unknown) => current && setError(e instanceof ConsoleApiError ? e : new ConsoleApiError(0, {})),
      );
    return () => {
      current = false;
    };
  }, [scopeValue, ready, session]);

  const index = changes?.findIndex((c) => c.event.eventId === selected) ?? -1;
  const change = index < 0 ? undefined : changes![index];
  const previous = index < 0 ? undefined : changes![index + 1];
  const panelScope: PolicyScope =
    scope.kind === 'account'
      ? { kind: 'account' }
      : {
          kind: 'accessKey',
          accessKeyId: scope.accessKeyId,
          ...(key?.owner == null ? {} : { userName: key.owner.userName }),
        };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>Policy history</Typography.Title>
      <Form layout="inline">
        <Form.Item label="Scope" htmlFor="history-scope">
          <Select
            id="history-scope"
            showSearch
            style={{ width: 420 }}
            value={scopeValue}
            onChange={(value: string) => setParams({ scope: value })}
            options={[
              { value: 'account', label: 'Account-level policy' },
              ...(keys ?? []).map((k) => ({
                value: `ak:${k.accessKeyId}`,
                label: `AccessKey ${keyLabel(k)}`,
              })),
            ]}
          />
        </Form.Item>
      </Form>
      {error !== undefined && <Alert type="error" showIcon message={`${error.code}: ${error.message}`} />}
      <Card size="small" title={<CardTitle>Changes</CardTitle>}>
        <Table<Change>
          size="small"
          rowKey={(c) => c.event.eventId}
          loading={changes === undefined && error === undefined}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={[...(changes ?? [])]}
          rowSelection={{
            type: 'radio',
            selectedRowKeys: selected === undefined ? [] : [selected],
            onChange: (keys) => setSelected(String(keys[0])),
            getCheckboxProps: (c) =>
              ({ 'aria-label': `Show the change of ${showTime(c.event.eventTime)}` }) as never,
          }}
          columns={[
            { title: 'Time', key: 'time', render: (_: unknown, c) => showTime(c.event.eventTime) },
            { title: 'By', key: 'by', render: (_: unknown, c) => actorOf(c.event) },
            { title: 'From', key: 'from', render: (_: unknown, c) => c.event.sourceIpAddress ?? '—' },
            {
              title: 'Through',
              key: 'type',
              render: (_: unknown, c) => (c.event.eventType === 'ConsoleOperation' ? 'Console' : 'API'),
            },
            { title: 'Event', key: 'event', render: (_: unknown, c) => c.event.eventName },
          ]}
        />
      </Card>
      {change !== undefined && (
        <Card
          size="small"
          title={
            <CardTitle>{`Change of ${showTime(change.event.eventTime)} by ${actorOf(change.event)}`}</CardTitle>
          }
          extra={
            <Button
              disabled={change.document === undefined}
              onClick={() =>
                change.document !== undefined && panel.open({ scope: panelScope, draft: change.document })
              }
            >
              Restore this version
            </Button>
          }
        >
          {change.document === undefined ? (
            <Alert
              type="info"
              showIcon
              message="The audit log does not keep this version's document."
              description="Only the latest document (the stored one) and documents kept in their events can be shown."
            />
          ) : (
            <Space direction="vertical" style={{ width: '100%' }}>
              <SideBySideDiff
                before={previous?.document ?? '{}'}
                after={change.document}
                beforeLabel={
                  previous === undefined
                    ? 'Before (not in the audit log)'
                    : `Before (${showTime(previous.event.eventTime)})`
                }
                afterLabel="This version"
              />
              {(change.descriptions !== undefined || previous?.descriptions !== undefined) && (
                <SideBySideDiff
                  before={previous?.descriptions ?? '[]'}
                  after={change.descriptions ?? '[]'}
                  beforeLabel="Entry descriptions before"
                  afterLabel="Entry descriptions of this version"
                />
              )}
            </Space>
          )}
        </Card>
      )}
    </Space>
  );
}
