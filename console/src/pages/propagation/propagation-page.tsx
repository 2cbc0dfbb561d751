import { Alert, Card, Descriptions, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { may } from '../../api/console-session';
import { useSession } from '../../session/session-context';
import type { AuditEvent } from '../actiontrail/audit-event';
import { CardTitle } from '../actiontrail/card-title';
import { serverNow } from '../actiontrail/server-now';
import { showTime } from '../actiontrail/utc-time';
import { actorOf, listPolicyChanges, scopeOfEvent } from '../history/policy-changes';
import { NodesTable } from './nodes-table';
import { liveNodes, type PolicyVersionStatus } from './policy-version-status';
import { useVisibleInterval } from './use-visible-interval';

const REFRESH_MS = 2000;
const RECENT_CHANGES = 20;

/**
 * Propagation: the committed change-log version and which nodes enforce it, refreshed every two
 * seconds while the page is visible; then the last policy changes. An event does not carry the
 * version its change committed, only the one the node enforced before it (`appliedVersion`):
 * each change's receipt is therefore "in force on every node" once every node enforces the
 * committed version, which is at or after it.
 */
export default function PropagationPage() {
  const session = useSession();
  const [status, setStatus] = useState<PolicyVersionStatus | undefined>(undefined);
  const [error, setError] = useState<ConsoleApiError | undefined>(undefined);
  const [changes, setChanges] = useState<readonly AuditEvent[] | undefined>(undefined);

  const refresh = useCallback(() => {
    callAction<PolicyVersionStatus>('Ims', 'GetPolicyVersionStatus').then(
      (answer) => {
        setStatus(answer);
        setError(undefined);
      },
      (e: unknown) => setError(e instanceof ConsoleApiError ? e : new ConsoleApiError(0, {})),
    );
  }, []);
  useVisibleInterval(refresh, REFRESH_MS);

  const canReadChanges = may(session, 'actiontrail:LookupEvents');
  useEffect(() => {
    if (!canReadChanges) return;
    let current = true;
    serverNow()
      .then((now) => listPolicyChanges(undefined, RECENT_CHANGES, now, session.RetentionDays))
      .then(
        (found) => current && setChanges(found),
        () => current && setChanges([]),
      );
    return () => {
      current = false;
    };
  }, [canReadChanges, session.RetentionDays]);

  const nodes = status?.Nodes.Node ?? [];
  const receipt = (event: AuditEvent): string => {
    if (status === undefined) return '…';
    const after = event.keyfence?.appliedVersion ?? 0;
    const past = nodes.filter((n) => n.Status !== 'Stopped' && n.AppliedVersion > after).length;
    return status.Enforced
      ? `In force on all ${liveNodes(status)} nodes (v${status.CurrentVersion})`
      : `Committed after v${after}; ${past} of ${liveNodes(status)} nodes past v${after}`;
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>Propagation</Typography.Title>
      {error !== undefined && <Alert type="error" showIcon message={`${error.code}: ${error.message}`} />}
      <Card size="small" title={<CardTitle>Committed version</CardTitle>}>
        {status !== undefined && (
          <Descriptions size="small" bordered column={5}>
            <Descriptions.Item label="Committed version">{status.CurrentVersion}</Descriptions.Item>
            <Descriptions.Item label="Enforcing">{`${status.EnforcingNodes} of ${liveNodes(status)} nodes`}</Descriptions.Item>
            <Descriptions.Item label="Lagging">{status.LaggingNodes}</Descriptions.Item>
            <Descriptions.Item label="Stale">{status.StaleNodes}</Descriptions.Item>
            <Descriptions.Item label="Stopped">{status.StoppedNodes}</Descriptions.Item>
          </Descriptions>
        )}
        <Typography.Paragraph style={{ marginTop: 8 }}>
          Refreshed every 2 seconds while this page is visible.
        </Typography.Paragraph>
      </Card>
      <Card size="small" title={<CardTitle>Nodes</CardTitle>}>
        <NodesTable nodes={nodes} />
      </Card>
      {canReadChanges && (
        <Card size="small" title={<CardTitle>Last 20 policy changes</CardTitle>}>
          <Table<AuditEvent>
            size="small"
            rowKey="eventId"
            loading={changes === undefined}
            pagination={false}
            dataSource={[...(changes ?? [])]}
            columns={[
              { title: 'Time', dataIndex: 'eventTime', render: (t: string) => showTime(t) },
              { title: 'Scope', key: 'scope', render: (_: unknown, e) => scopeOfEvent(e) },
              { title: 'By', key: 'by', render: (_: unknown, e) => actorOf(e) },
              { title: 'From', dataIndex: 'sourceIpAddress', render: (s: string | null) => s ?? '—' },
              { title: 'Receipt', key: 'receipt', render: (_: unknown, e) => receipt(e) },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
