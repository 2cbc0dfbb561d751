import { Alert, Button, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import { clockTime, utc } from './format';
import type { PolicyScope } from './policy-scope';
import { getAction, type KeyOwner, metadataParams, policyParams } from './scope-params';
import type { StoredPolicy } from './use-panel-data';

interface NodeStatus {
  readonly NodeId: string;
  readonly Status: 'Enforcing' | 'Lagging' | 'Stale' | 'Stopped';
  readonly AppliedVersion: number;
  readonly LastHeartbeatDate: string;
}

interface VersionStatus {
  readonly Enforced: boolean;
  readonly EnforcingNodes: number;
  readonly LaggingNodes: number;
  readonly StaleNodes: number;
  readonly Nodes: { readonly Node: readonly NodeStatus[] };
}

const POLL_MS = 500;
// A node that has not caught up in two minutes is the Propagation page's business.
const GIVE_UP_MS = 120_000;

interface ReceiptProps {
  readonly scope: PolicyScope;
  readonly owner: KeyOwner | undefined;
  readonly version: number;
  /** When the Set answered, in the browser's clock. */
  readonly committedAt: number;
  readonly autoRevertSeconds: number | undefined;
}

/**
 * The propagation receipt: the version the change was committed as, then the nodes enforcing it,
 * polled every 500 ms until all do, with the time it took, measured here rather than promised.
 */
export const PropagationReceipt = ({
  scope,
  owner,
  version,
  committedAt,
  autoRevertSeconds,
}: ReceiptProps) => {
  const [status, setStatus] = useState<VersionStatus | undefined>(undefined);
  const [enforcedAt, setEnforcedAt] = useState<number | undefined>(undefined);
  const [error, setError] = useState<ConsoleApiError | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: polls once per committed version.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const answer = await callAction<VersionStatus>('Keyfence', 'GetPolicyVersionStatus', {
          PolicyVersion: String(version),
        });
        if (stopped) return;
        setStatus(answer);
        setError(undefined);
        if (answer.Enforced) {
          setEnforcedAt(Date.now());
          return;
        }
      } catch (e) {
        if (stopped) return;
        setError(e instanceof ConsoleApiError ? e : new ConsoleApiError(0, {}));
      }
      if (Date.now() - committedAt < GIVE_UP_MS) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [version]);

  const nodes = status?.Nodes.Node ?? [];
  const counted = nodes.filter((n) => n.Status !== 'Stopped');
  const enforcing = counted.filter((n) => n.Status === 'Enforcing').length;
  const behind = counted.filter((n) => n.Status !== 'Enforcing');
  return (
    <Space orientation="vertical" style={{ width: '100%' }} aria-live="polite">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        Committed as policy version {version} at {clockTime(committedAt)}
      </Typography.Title>
      {status !== undefined &&
        (enforcedAt === undefined ? (
          <Alert type="info" showIcon title={`Enforced by ${enforcing} of ${counted.length} nodes…`} />
        ) : (
          <Alert
            type="success"
            showIcon
            title={`Enforced by ${enforcing} of ${counted.length} nodes at ${clockTime(enforcedAt)} (${(
              (enforcedAt - committedAt) / 1000
            ).toFixed(2)} s)`}
          />
        ))}
      {behind.length > 0 && (
        <ul aria-label="Nodes not enforcing this version" style={{ margin: 0 }}>
          {behind.map((n) => (
            <li key={n.NodeId}>
              {n.NodeId}: {n.Status}, applied version {n.AppliedVersion}, last heartbeat{' '}
              {utc(n.LastHeartbeatDate)}
            </li>
          ))}
        </ul>
      )}
      {error !== undefined && <Alert type="warning" showIcon title={`${error.message} (${error.code})`} />}
      {autoRevertSeconds !== undefined && (
        <AutoRevert
          scope={scope}
          owner={owner}
          version={version}
          deadline={committedAt + autoRevertSeconds * 1000}
        />
      )}
      <Link to="/propagation">Open Propagation</Link>
    </Space>
  );
};

interface AutoRevertProps {
  readonly scope: PolicyScope;
  readonly owner: KeyOwner | undefined;
  readonly version: number;
  readonly deadline: number;
}

/** A commit-confirmed change: the countdown, Keep, and whether a call has confirmed it already. */
const AutoRevert = ({ scope, owner, version, deadline }: AutoRevertProps) => {
  const [now, setNow] = useState(Date.now());
  const [revertAt, setRevertAt] = useState<number>(deadline);
  const [state, setState] = useState<'pending' | 'keeping' | 'kept' | 'confirmed'>('pending');
  const [error, setError] = useState<string | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: one countdown per receipt.
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    // The server's deadline, and whether a call that passed under the version has confirmed it.
    const check = setInterval(() => {
      callAction<StoredPolicy>('Ims', getAction(scope), policyParams(scope, owner)).then(
        (stored) => {
          if (stored.PolicyVersion !== version) return;
          if (stored.AutoRevertAt === undefined) setState((s) => (s === 'pending' ? 'confirmed' : s));
          else setRevertAt(Date.parse(stored.AutoRevertAt));
        },
        () => undefined,
      );
    }, 5000);
    return () => {
      clearInterval(tick);
      clearInterval(check);
    };
  }, []);
  const keep = () => {
    setState('keeping');
    callAction('Keyfence', 'ConfirmAccessKeyPolicyChange', {
      ...metadataParams(scope),
      PolicyVersion: String(version),
    }).then(
      () => setState('kept'),
      (e: unknown) => {
        setState('pending');
        setError(e instanceof ConsoleApiError ? `${e.message} (${e.code})` : 'The change could not be kept.');
      },
    );
  };
  if (state === 'kept')
    return <Alert type="success" showIcon title={`Version ${version} kept: it will not revert.`} />;
  if (state === 'confirmed')
    return (
      <Alert type="success" showIcon title={`A call passed under version ${version}: it will not revert.`} />
    );
  const left = Math.max(0, Math.round((revertAt - now) / 1000));
  return (
    <Alert
      type="warning"
      showIcon
      title={`Reverts automatically at ${utc(revertAt)} unless kept: ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`}
      description={error}
      action={
        <Button size="small" onClick={keep} loading={state === 'keeping'}>
          Keep
        </Button>
      }
    />
  );
};
