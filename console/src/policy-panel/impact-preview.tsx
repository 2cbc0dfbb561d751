import { Alert, Segmented, Space, Spin, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import type { ConsoleSession } from '../api/console-session';
import { count, plural, utc, windowLabel, windowSentence } from './format';
import type { PolicyScope } from './policy-scope';
import { insightParams } from './scope-params';
import { learnServerTime, windowParams } from './server-clock';

interface SourceChange {
  readonly SourceIp: string;
  readonly VpcId?: string;
  readonly Calls: number;
  readonly LastSeen: string;
  readonly Services: readonly string[];
}

interface KeyImpact {
  readonly AccessKeyId: string;
  readonly UserName?: string;
  readonly NewlyDeniedCalls: number;
  readonly NewlyAllowedCalls: number;
  readonly NewlyDenied: readonly SourceChange[];
  readonly NewlyAllowed: readonly SourceChange[];
}

/** SimulateAccessKeyPolicy's answer (docs/server.md). */
export interface Simulation {
  readonly EndTime: string;
  readonly KeysWithoutTraffic: number;
  readonly ScannedSources: number;
  readonly Truncated: boolean;
  readonly NewlyDeniedCalls: number;
  readonly NewlyAllowedCalls: number;
  readonly ExcludedServices: readonly string[];
  readonly Note: string;
  readonly Keys: readonly KeyImpact[];
}

const WINDOWS = [1, 7, 30, 90];

/** The windows offered: 24 h, 7 d, 30 d, 90 d, none longer than the audit log is kept. */
export function previewWindows(session: ConsoleSession): { windows: number[]; initial: number } {
  const initial = Math.min(session.PreviewWindowDays, session.RetentionDays);
  const windows = [...new Set([...WINDOWS.filter((d) => d <= session.RetentionDays), initial])].sort(
    (a, b) => a - b,
  );
  return { windows, initial };
}

// Per draft and window: switching windows back and forth does not ask again.
const cache = new Map<string, Simulation>();

interface Row extends SourceChange {
  readonly key: string;
  readonly AccessKeyId: string;
  readonly UserName?: string;
  readonly change: 'Newly denied' | 'Newly allowed';
}

function rows(simulation: Simulation): Row[] {
  return simulation.Keys.flatMap((k) =>
    [
      ...k.NewlyDenied.map((s) => ({ ...s, change: 'Newly denied' as const })),
      ...k.NewlyAllowed.map((s) => ({ ...s, change: 'Newly allowed' as const })),
    ].map((s) => ({
      ...s,
      key: `${k.AccessKeyId}|${s.change}|${s.SourceIp}|${s.VpcId ?? ''}`,
      AccessKeyId: k.AccessKeyId,
      ...(k.UserName === undefined ? {} : { UserName: k.UserName }),
    })),
  );
}

interface ImpactPreviewProps {
  readonly scope: PolicyScope;
  readonly session: ConsoleSession;
  readonly policyJson: string;
  /** Reports the answer (undefined while asking), so OK can say what it will deny. */
  readonly onSimulation: (simulation: Simulation | undefined) => void;
}

/** The impact preview: what this document would newly deny or allow, from the audit rollups. */
export const ImpactPreview = ({ scope, session, policyJson, onSimulation }: ImpactPreviewProps) => {
  const { windows, initial } = previewWindows(session);
  const [days, setDays] = useState(initial);
  const [state, setState] = useState<
    | { status: 'loading' }
    | { status: 'ready'; simulation: Simulation }
    | { status: 'failed'; error: ConsoleApiError }
  >({ status: 'loading' });
  const scopeKey = scope.kind === 'account' ? '' : scope.accessKeyId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `scopeKey` stands for `scope`.
  useEffect(() => {
    const key = `${scopeKey}|${days}|${policyJson}`;
    const cached = cache.get(key);
    if (cached !== undefined) {
      setState({ status: 'ready', simulation: cached });
      onSimulation(cached);
      return;
    }
    let current = true;
    setState({ status: 'loading' });
    onSimulation(undefined);
    const window = windowParams(days);
    callAction<Simulation>('Keyfence', 'SimulateAccessKeyPolicy', {
      ...insightParams(scope),
      AccessKeyPolicy: policyJson,
      ...window,
    }).then(
      (simulation) => {
        if (window.EndTime === undefined) learnServerTime(simulation.EndTime);
        cache.set(key, simulation);
        if (!current) return;
        setState({ status: 'ready', simulation });
        onSimulation(simulation);
      },
      (error: unknown) =>
        current &&
        setState({
          status: 'failed',
          error: error instanceof ConsoleApiError ? error : new ConsoleApiError(0, {}),
        }),
    );
    return () => {
      current = false;
    };
  }, [scopeKey, days, policyJson]);

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space>
        <Typography.Text id="kf-preview-window">Window</Typography.Text>
        <Segmented
          aria-labelledby="kf-preview-window"
          value={days}
          options={windows.map((d) => ({ label: windowLabel(d), value: d }))}
          onChange={(value) => setDays(Number(value))}
        />
      </Space>
      {state.status === 'loading' && <Spin description="Simulating over the audit log…" />}
      {state.status === 'failed' && (
        <Alert type="error" showIcon title={`${state.error.message} (${state.error.code})`} />
      )}
      {state.status === 'ready' && <ImpactResult simulation={state.simulation} days={days} />}
    </Space>
  );
};

const ImpactResult = ({ simulation, days }: { readonly simulation: Simulation; readonly days: number }) => {
  const denying = simulation.Keys.filter((k) => k.NewlyDeniedCalls > 0);
  const sources = denying.reduce((n, k) => n + k.NewlyDenied.length, 0);
  const allowing = simulation.Keys.filter((k) => k.NewlyAllowedCalls > 0);
  const table = rows(simulation);
  return (
    <>
      {simulation.NewlyDeniedCalls === 0 ? (
        <Alert type="success" showIcon title={`No call in the ${windowSentence(days)} would be denied`} />
      ) : (
        <Alert
          type="error"
          showIcon
          title={`${plural(denying.length, 'key')} would lose ${plural(simulation.NewlyDeniedCalls, 'call')} from ${plural(
            sources,
            'source',
          )} (${windowSentence(days)})`}
        />
      )}
      {simulation.NewlyAllowedCalls > 0 && (
        <Typography.Text>
          {plural(allowing.length, 'key')} would newly be allowed{' '}
          {plural(simulation.NewlyAllowedCalls, 'call')}.
        </Typography.Text>
      )}
      {table.length > 0 && (
        <Table<Row>
          size="small"
          pagination={table.length > 10 ? { pageSize: 10 } : false}
          dataSource={table}
          rowKey="key"
          columns={[
            { title: 'AccessKey', dataIndex: 'AccessKeyId' },
            { title: 'Owner', dataIndex: 'UserName', render: (u: string | undefined) => u ?? 'root' },
            {
              title: 'Change',
              dataIndex: 'change',
              render: (c: Row['change']) => (
                <Typography.Text
                  type={c === 'Newly denied' ? 'danger' : 'success'}
                  style={{ whiteSpace: 'nowrap' }}
                >
                  {c}
                </Typography.Text>
              ),
            },
            { title: 'Source', dataIndex: 'SourceIp' },
            { title: 'VPC', dataIndex: 'VpcId', render: (v: string | undefined) => v ?? '—' },
            { title: 'Services', dataIndex: 'Services', render: (s: readonly string[]) => s.join(', ') },
            { title: 'Calls', dataIndex: 'Calls', align: 'right', render: (n: number) => count(n) },
            {
              title: 'Last seen',
              dataIndex: 'LastSeen',
              render: (t: string) => <span style={{ whiteSpace: 'nowrap' }}>{utc(t)}</span>,
            },
          ]}
        />
      )}
      <Typography.Text type="secondary">
        {simulation.KeysWithoutTraffic > 0 &&
          `${plural(simulation.KeysWithoutTraffic, 'key')} with no traffic in the window. `}
        {simulation.ExcludedServices.length > 0 &&
          `Calls to exempt services (${simulation.ExcludedServices.join(', ')}) are not counted. `}
        {simulation.Note}
      </Typography.Text>
      {simulation.Truncated && (
        <Typography.Text type="warning">
          partial: {count(simulation.ScannedSources)} distinct sources scanned
        </Typography.Text>
      )}
    </>
  );
};
