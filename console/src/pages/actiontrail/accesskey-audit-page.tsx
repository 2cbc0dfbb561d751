import { Alert, Button, Form, Select, Space, Spin, Switch, Typography } from 'antd';
import { type Key, lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { usePolicyPanel } from '../../policy-panel/use-policy-panel';
import { useSession } from '../../session/session-context';
import { decider } from '../check/policy-evaluation';
import { loadStoredPolicies, pairWithDraft, type StoredPolicies } from '../check/stored-policies';
import { type KeySource, listKeySources } from './access-key-sources';
import { keyLabel, keyTarget, useAccountKeys } from './account-keys';
import { AuditHeader, type LastUsed } from './audit-header';
import { coverageOf } from './coverage-tag';
import { type DailyCalls, dailyCalls } from './daily-calls';
import { SectionCard } from './section-card';
import { ServicesTable } from './services-table';
import { groupSources } from './source-groups';
import { SourceIpsTable } from './source-ips-table';
import { download, sourcesCsv } from './sources-csv';
import { useBesidePanel } from './use-beside-panel';
import { DAY_MS, showTime } from './utc-time';

const CallsChart = lazy(() => import('./calls-chart'));

const LOOK_BACK = [7, 30, 90] as const;
const CHART_DAYS = 14;

interface Loaded {
  readonly sources: readonly KeySource[];
  readonly startTime: string;
  readonly endTime: string;
  readonly policies: StoredPolicies;
  readonly lastUsed: LastUsed;
}

/**
 * Where one AccessKey was used from (the seed's "check the historical source IP addresses"
 * before writing an ACL), read from the key-source rollups; beside an open panel, each source
 * says whether the draft would let the key in from there, decided in the browser per keystroke.
 */
export default function AccessKeyAuditPage() {
  const session = useSession();
  const panel = usePolicyPanel();
  const besidePanel = useBesidePanel();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const accessKeyId = params.get('ak') ?? undefined;
  const { keys, error: keysError } = useAccountKeys(session);
  const retention = session.RetentionDays;
  const [days, setDays] = useState<number>(Math.min(30, retention));
  const [per24, setPer24] = useState(false);
  const [selected, setSelected] = useState<Key[]>([]);
  const [loaded, setLoaded] = useState<Loaded | undefined>(undefined);
  const [error, setError] = useState<ConsoleApiError | undefined>(undefined);
  const [daily, setDaily] = useState<DailyCalls | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const accessKey = keys?.find((k) => k.accessKeyId === accessKeyId);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` forces a reload (Refresh).
  useEffect(() => {
    if (accessKey === undefined) return;
    let current = true;
    setError(undefined);
    setLoaded(undefined);
    setDaily(undefined);
    setSelected([]);
    const target = keyTarget(accessKey, session);
    // The window as the server counts it: whole days back from its own now (the first answer's end).
    Promise.all([
      listKeySources(accessKey.accessKeyId),
      loadStoredPolicies(target),
      callAction<{ AccessKeyLastUsed: LastUsed }>('Ims', 'GetAccessKeyLastUsed', target),
    ])
      .then(async ([probe, policies, lastUsed]) => {
        const now = new Date(probe.endTime);
        const listing =
          days === Math.min(30, retention)
            ? probe
            : await listKeySources(accessKey.accessKeyId, {
                start: `${new Date(now.getTime() - days * DAY_MS).toISOString().slice(0, 19)}Z`,
                end: probe.endTime,
              });
        if (!current) return;
        setLoaded({ ...listing, policies, lastUsed: lastUsed.AccessKeyLastUsed });
        const chartDays = Math.max(3, Math.min(CHART_DAYS, retention));
        const series = await dailyCalls(accessKey.accessKeyId, now, chartDays);
        if (current) setDaily(series);
      })
      .catch(
        (e: unknown) => current && setError(e instanceof ConsoleApiError ? e : new ConsoleApiError(0, {})),
      );
    return () => {
      current = false;
    };
  }, [accessKey, session, days, retention, generation]);

  const rows = useMemo(() => groupSources(loaded?.sources ?? [], per24), [loaded, per24]);
  const pair =
    loaded === undefined
      ? undefined
      : pairWithDraft(
          loaded.policies,
          accessKeyId,
          panel.request,
          panel.draft,
          session.PolicyLimits.MaxEntriesPerStatement,
        );
  const draftCoverage = useMemo(() => {
    if (pair === undefined) return undefined;
    const decide = decider(pair, []);
    return (row: (typeof rows)[number]) =>
      coverageOf(
        row.members.map(
          (m) =>
            decide(m.VpcId === undefined ? { ip: m.SourceIp } : { ip: m.SourceIp, vpcId: m.VpcId }).decision
              .allowed,
        ),
      );
  }, [pair]);

  const openWithSelected = useCallback(() => {
    if (accessKey === undefined) return;
    const chosen = rows.filter((row) => selected.includes(row.key));
    const vpcs = new Map<string, string[]>();
    for (const row of chosen)
      if (row.vpcId !== undefined) vpcs.set(row.vpcId, [...(vpcs.get(row.vpcId) ?? []), row.source]);
    panel.open({
      scope: {
        kind: 'accessKey',
        accessKeyId: accessKey.accessKeyId,
        ...(accessKey.owner === null ? {} : { userName: accessKey.owner.userName }),
      },
      addPublic: chosen.filter((row) => row.vpcId === undefined).map((row) => row.source),
      addVpc: [...vpcs].map(([vpcId, entries]) => ({ vpcId, entries })),
    });
  }, [accessKey, rows, selected, panel]);

  return (
    <div ref={besidePanel.ref} style={besidePanel.style}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Title level={3}>AccessKey Audit</Typography.Title>
        <Form layout="inline">
          <Form.Item label="AccessKey ID" htmlFor="audit-access-key">
            <Select
              id="audit-access-key"
              showSearch
              style={{ width: 420 }}
              placeholder="Choose an AccessKey"
              loading={keys === undefined}
              value={accessKeyId}
              options={(keys ?? []).map((k) => ({ value: k.accessKeyId, label: keyLabel(k) }))}
              onChange={(value: string) => setParams({ ak: value })}
            />
          </Form.Item>
          <Form.Item label="Look-back" htmlFor="audit-look-back">
            <Select
              id="audit-look-back"
              style={{ width: 140 }}
              value={days}
              options={LOOK_BACK.filter((d) => d <= retention).map((d) => ({ value: d, label: `${d} days` }))}
              onChange={setDays}
            />
          </Form.Item>
          <Form.Item>
            <Button onClick={() => setGeneration((g) => g + 1)} disabled={accessKey === undefined}>
              Refresh
            </Button>
          </Form.Item>
        </Form>
        <Typography.Text>
          Calls are in the audit log within a second: this page is up to date to the second
          {loaded === undefined ? '' : ` (read at ${showTime(loaded.endTime)} UTC)`}.
        </Typography.Text>
        {keysError !== undefined && <Alert type="error" showIcon message={keysError.message} />}
        {error !== undefined && <Alert type="error" showIcon message={`${error.code}: ${error.message}`} />}
        {accessKeyId !== undefined && keys !== undefined && accessKey === undefined && (
          <Alert
            type="warning"
            showIcon
            message={`The AccessKey ${accessKeyId} is not one of this account's keys you can see.`}
          />
        )}
        {accessKey !== undefined && (
          <>
            <AuditHeader
              accessKey={accessKey}
              policies={loaded?.policies}
              lastUsed={loaded?.lastUsed}
              now={loaded === undefined ? new Date() : new Date(loaded.endTime)}
              rotationDays={session.RotationDays}
              onModify={(scope) => panel.open({ scope })}
              compact={besidePanel.beside}
            />
            {loaded === undefined ? (
              error === undefined && <Spin aria-label="Loading the audit data" />
            ) : (
              <>
                <SectionCard title="Services">
                  <ServicesTable accessKeyId={accessKey.accessKeyId} sources={loaded.sources} />
                </SectionCard>
                <SectionCard title="Source IPs">
                  <Space direction="vertical" style={{ width: '100%' }}>
                    <Space wrap>
                      <Button
                        type="primary"
                        onClick={() => navigate(`/recommend?scope=ak:${accessKey.accessKeyId}`)}
                      >
                        Build allowlist from these
                      </Button>
                      <Button disabled={selected.length === 0} onClick={openWithSelected}>
                        Open key-level panel with selected sources
                      </Button>

                      <Switch checked={per24} onChange={setPer24} aria-label="Group IPv4 sources per /24" />
                      <span aria-hidden>IPv4 per /24</span>
                      <Button
                        onClick={() =>
                          download(
                            `sources-${accessKey.accessKeyId}.csv`,
                            sourcesCsv(rows, (row) => row.members.every((m) => m.CoveredByCurrentPolicy)),
                            'text/csv',
                          )
                        }
                      >
                        Export CSV
                      </Button>
                    </Space>
                    <SourceIpsTable
                      rows={rows}
                      draftCoverage={draftCoverage}
                      selected={selected}
                      onSelect={setSelected}
                      compact={besidePanel.beside}
                    />
                  </Space>
                </SectionCard>
                <SectionCard title="Calls over time">
                  {daily === undefined ? (
                    <Spin aria-label="Loading calls per day" />
                  ) : (
                    <Suspense fallback={<Spin aria-label="Loading the chart" />}>
                      <CallsChart data={daily} />
                    </Suspense>
                  )}
                </SectionCard>
              </>
            )}
          </>
        )}
      </Space>
    </div>
  );
}
