import { Alert, Button, Checkbox, Form, InputNumber, Select, Space, Spin, Table, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { usePolicyPanel } from '../../policy-panel/use-policy-panel';
import { useSession } from '../../session/session-context';
import { keyLabel, useAccountKeys } from '../actiontrail/account-keys';
import { SectionCard } from '../actiontrail/section-card';
import { serverNow } from '../actiontrail/server-now';
import { alibabaTime, DAY_MS, showTime } from '../actiontrail/utc-time';
import { readPolicy } from '../check/policy-evaluation';
import { EntriesTable } from './entries-table';
import { type Recommendation, type Simulation, scopeParam } from './recommendation';
import { SimulationView } from './simulation-view';

type UncoveredRow = Recommendation['Uncovered'][number];

interface Drafted {
  readonly answer: Recommendation;
  /** The parameters it was asked with, for Check against history (the same window and scope). */
  readonly asked: Readonly<Record<string, string | undefined>>;
}

/**
 * Recommend an allowlist: a draft from where the scope's keys were used successfully, each entry
 * with what it covers and how much address space it opens, and what was left out. Never applied
 * by itself: Open in panel prefills the Network Access Control panel, marked suggested.
 */
export default function RecommendPage() {
  const session = useSession();
  const panel = usePolicyPanel();
  const [params, setParams] = useSearchParams();
  const scope = scopeParam(params.get('scope'));
  const { keys } = useAccountKeys(session);
  const maxDays = Math.min(90, session.RetentionDays);
  const [days, setDays] = useState(Math.min(30, maxDays));
  const [coverage, setCoverage] = useState(100);
  const [minCalls, setMinCalls] = useState(1);
  const [drafted, setDrafted] = useState<Drafted | undefined>(undefined);
  const [simulation, setSimulation] = useState<Simulation | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<'recommend' | 'simulate' | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const scopeValue = scope.kind === 'account' ? 'account' : `ak:${scope.accessKeyId}`;
  const accessKeyId = scope.kind === 'accessKey' ? scope.accessKeyId : undefined;
  const policy = drafted === undefined ? null : readPolicy(drafted.answer.AccessKeyPolicy);

  const fail = (e: unknown) => setError(e instanceof ConsoleApiError ? `${e.code}: ${e.message}` : String(e));

  const recommend = async () => {
    setBusy('recommend');
    setError(undefined);
    setSimulation(undefined);
    setCopied(false);
    try {
      const now = await serverNow();
      const asked = {
        AccessKeyId: accessKeyId,
        StartTime: alibabaTime(new Date(now.getTime() - days * DAY_MS)),
        EndTime: alibabaTime(now),
      };
      const answer = await callAction<Recommendation>('Keyfence', 'RecommendAccessKeyPolicy', {
        ...asked,
        Coverage: String(coverage),
        MinCalls: String(minCalls),
      });
      setDrafted({ answer, asked });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(undefined);
    }
  };

  const simulate = async () => {
    if (drafted === undefined) return;
    setBusy('simulate');
    setError(undefined);
    try {
      setSimulation(
        await callAction<Simulation>('Keyfence', 'SimulateAccessKeyPolicy', {
          ...drafted.asked,
          AccessKeyPolicy: drafted.answer.AccessKeyPolicy,
        }),
      );
    } catch (e) {
      fail(e);
    } finally {
      setBusy(undefined);
    }
  };

  const key = keys?.find((k) => k.accessKeyId === accessKeyId);
  const openInPanel = () =>
    drafted !== undefined &&
    panel.open({
      scope:
        accessKeyId === undefined
          ? { kind: 'account' }
          : {
              kind: 'accessKey',
              accessKeyId,
              ...(key?.owner == null ? {} : { userName: key.owner.userName }),
            },
      draft: drafted.answer.AccessKeyPolicy,
      suggested: true,
    });

  const answer = drafted?.answer;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>Recommend an allowlist</Typography.Title>
      <SectionCard title="From the audit log">
        <Form layout="vertical" onFinish={() => void recommend()}>
          <Space wrap align="start">
            <Form.Item label="Scope" htmlFor="recommend-scope">
              <Select
                id="recommend-scope"
                showSearch
                style={{ width: 420 }}
                value={scopeValue}
                onChange={(value: string) => {
                  setDrafted(undefined);
                  setParams({ scope: value });
                }}
                options={[
                  {
                    value: 'account',
                    label: 'Account: every permanent key the account-level policy governs',
                  },
                  ...(keys ?? []).map((k) => ({
                    value: `ak:${k.accessKeyId}`,
                    label: `AccessKey ${keyLabel(k)}`,
                  })),
                ]}
              />
            </Form.Item>
            <Form.Item label={`Look-back (days, 1 to ${maxDays})`} htmlFor="recommend-days">
              <InputNumber
                id="recommend-days"
                min={1}
                max={maxDays}
                value={days}
                onChange={(v) => setDays(v ?? 1)}
              />
            </Form.Item>
            <Form.Item label="Coverage (% of allowed calls)" htmlFor="recommend-coverage">
              <InputNumber
                id="recommend-coverage"
                min={1}
                max={100}
                value={coverage}
                onChange={(v) => setCoverage(v ?? 100)}
              />
            </Form.Item>
            <Form.Item label="Ignore sources with fewer calls than" htmlFor="recommend-min-calls">
              <InputNumber
                id="recommend-min-calls"
                min={1}
                value={minCalls}
                onChange={(v) => setMinCalls(v ?? 1)}
              />
            </Form.Item>
          </Space>
          <Form.Item>
            <Checkbox checked disabled>
              Successful calls only
            </Checkbox>
          </Form.Item>
          <Typography.Paragraph>
            Denied and failed calls never count: an allowlist is drawn from where the keys worked. Exact
            addresses while they fit; otherwise the smallest CIDR blocks within{' '}
            {session.PolicyLimits.MaxEntriesPerStatement} entries per statement and{' '}
            {session.PolicyLimits.MaxStatements} statements. VPC sources get a statement per VPC ID.
          </Typography.Paragraph>
          <Button type="primary" htmlType="submit" loading={busy === 'recommend'}>
            Recommend
          </Button>
        </Form>
      </SectionCard>
      {error !== undefined && <Alert type="error" showIcon message={error} />}
      {busy === 'recommend' && <Spin aria-label="Drafting" />}
      {answer !== undefined && (
        <SectionCard title="Draft">
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text>
              From {showTime(answer.StartTime)} to {showTime(answer.EndTime)} UTC: the draft covers{' '}
              {answer.CoveredCalls.toLocaleString('en-US')} of {answer.TotalCalls.toLocaleString('en-US')}{' '}
              allowed calls in {answer.Entries.length} entries.
            </Typography.Text>
            <Space wrap>
              <Button type="primary" onClick={openInPanel} disabled={answer.Entries.length === 0}>
                Open in panel
              </Button>
              <Button
                onClick={() =>
                  void navigator.clipboard.writeText(answer.AccessKeyPolicy).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  )
                }
              >
                {copied ? 'Copied' : 'Copy JSON'}
              </Button>
              <Button
                onClick={() => void simulate()}
                loading={busy === 'simulate'}
                disabled={answer.Entries.length === 0}
              >
                Check against history
              </Button>
            </Space>
            <EntriesTable entries={answer.Entries} policy={policy} />
            {simulation !== undefined && <SimulationView simulation={simulation} />}
            <Typography.Text strong>
              Left out: {answer.UncoveredCount.toLocaleString('en-US')} sources
              {answer.UncoveredTruncated ? ` (the ${answer.Uncovered.length} busiest shown)` : ''}
            </Typography.Text>
            {answer.Uncovered.length > 0 && (
              <Table<UncoveredRow>
                size="small"
                rowKey={(r) => `${r.SourceIp}|${r.VpcId ?? ''}`}
                dataSource={[...answer.Uncovered]}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                columns={[
                  { title: 'Source', dataIndex: 'SourceIp' },
                  { title: 'VPC ID', dataIndex: 'VpcId', render: (v: string | undefined) => v ?? '—' },
                  { title: 'Calls', dataIndex: 'Calls', align: 'right' },
                  { title: 'Last seen', dataIndex: 'LastSeen', render: (t: string) => showTime(t) },
                  { title: 'Why', dataIndex: 'Reason' },
                ]}
              />
            )}
          </Space>
        </SectionCard>
      )}
    </Space>
  );
}
