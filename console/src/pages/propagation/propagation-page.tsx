import { Alert, Card, Descriptions, Space, Table, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { may } from '../../api/console-session';
import { useSession } from '../../session/session-context';
import { CardTitle } from '../actiontrail/card-title';
import { showTime } from '../actiontrail/utc-time';
import { actorOf, changeKind } from '../history/policy-versions';
import { NodesTable } from './nodes-table';
import { liveNodes, type PolicyVersionStatus } from './policy-version-status';
import { type RecentChange, receiptOf, receiptText, recentChanges } from './recent-changes';
import { useVisibleInterval } from './use-visible-interval';

const REFRESH_MS = 2000;
const RECENT_CHANGES = 20;

const asError = (e: unknown): ConsoleApiError =>
  e instanceof ConsoleApiError ? e : new ConsoleApiError(0, {});

/**
 * Propagation: the committed change-log version and which nodes enforce it, then the account-level
 * policy's last changes (ListAccessKeyPolicyHistory), each with its receipt: GetPolicyVersionStatus
 * for the version it committed. Refreshed every two seconds while the page is visible; a receipt
 * already enforced everywhere is not asked again.
 */
export default function PropagationPage() {
  const session = useSession();
  const [status, setStatus] = useState<PolicyVersionStatus | undefined>(undefined);
  const [error, setError] = useState<ConsoleApiError | undefined>(undefined);
  const [changes, setChanges] = useState<readonly RecentChange[] | undefined>(undefined);
  const canReadChanges = may(session, 'keyfence:ListAccessKeyPolicyHistory');
  // The receipts known so far, by version, so that a refresh asks only for those still propagating.
  const receipts = useRef(new Map<number, PolicyVersionStatus>());

  const refreshChanges = useCallback(async () => {
    const versions = await recentChanges(RECENT_CHANGES);
    const known = receipts.current;
    await Promise.all(
      versions
        .filter((v) => known.get(v.PolicyVersion)?.Enforced !== true)
        .map(async (v) => known.set(v.PolicyVersion, await receiptOf(v))),
    );
    setChanges(versions.map((version) => ({ version, status: known.get(version.PolicyVersion) })));
  }, []);

  const refresh = useCallback(() => {
    const reads: Promise<unknown>[] = [
      callAction<PolicyVersionStatus>('Ims', 'GetPolicyVersionStatus').then(setStatus),
    ];
    if (canReadChanges) reads.push(refreshChanges());
    Promise.all(reads).then(
      () => setError(undefined),
      (e: unknown) => setError(asError(e)),
    );
  }, [canReadChanges, refreshChanges]);
  useVisibleInterval(refresh, REFRESH_MS);

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
        <NodesTable nodes={status?.Nodes.Node ?? []} />
      </Card>
      {canReadChanges && (
        <Card size="small" title={<CardTitle>Last 20 changes of the account-level policy</CardTitle>}>
          <Table<RecentChange>
            size="small"
            rowKey={(c) => c.version.PolicyVersion}
            loading={changes === undefined && error === undefined}
            pagination={false}
            dataSource={[...(changes ?? [])]}
            locale={{ emptyText: 'The account-level policy was never set.' }}
            columns={[
              { title: 'Version', key: 'version', render: (_: unknown, c) => `v${c.version.PolicyVersion}` },
              { title: 'Time', key: 'time', render: (_: unknown, c) => showTime(c.version.ChangedAt) },
              { title: 'By', key: 'by', render: (_: unknown, c) => actorOf(c.version.ChangedBy).who },
              { title: 'Change', key: 'change', render: (_: unknown, c) => changeKind(c.version) },
              { title: 'Receipt', key: 'receipt', render: (_: unknown, c) => receiptText(c.status) },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
