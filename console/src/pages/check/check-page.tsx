import { Alert, Button, Descriptions, Form, Input, Radio, Select, Space, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import type { PanelRequest } from '../../policy-panel/policy-scope';
import { usePolicyPanel } from '../../policy-panel/use-policy-panel';
import { useSession } from '../../session/session-context';
import { type AccountKey, keyLabel, keyTarget, useAccountKeys } from '../actiontrail/account-keys';
import { SectionCard } from '../actiontrail/section-card';
import { useBesidePanel } from '../actiontrail/use-beside-panel';
import { showTime } from '../actiontrail/utc-time';
import type { CheckAnswer } from './check-outcome';
import { CheckResult } from './check-result';
import {
  type CheckCredential,
  type CheckInput,
  CheckRefused,
  type CheckReport,
  type EvaluateAgainst,
  evaluateCheck,
  outcomesOf,
} from './evaluate-check';
import { SeenBefore } from './seen-before';
import { loadStoredPolicies } from './stored-policies';

const ACCOUNT_GOVERNED = 'account-governed';
const STS = 'sts';

const credentialOf = (
  value: string | undefined,
  keys: readonly AccountKey[],
): CheckCredential | undefined => {
  if (value === ACCOUNT_GOVERNED) return { kind: 'account-governed' };
  if (value === STS) return { kind: 'sts' };
  const key = keys.find((k) => k.accessKeyId === value);
  return key === undefined ? undefined : { kind: 'key', key };
};

interface Checked {
  readonly input: CheckInput;
  readonly report: CheckReport;
  readonly recorded?: CheckAnswer['RecordedCall'];
}

/**
 * Check an IP: what the policies decide for a key from a source, in force, stored even if
 * Disabled, or as the open panel's draft would; or for a past call named by its RequestId. When
 * denied, Fix opens the panel that decides for the key with the address added.
 */
export default function CheckPage() {
  const session = useSession();
  const panel = usePolicyPanel();
  const besidePanel = useBesidePanel();
  const [params] = useSearchParams();
  const { keys } = useAccountKeys(session);
  const [mode, setMode] = useState<'source' | 'request'>(
    params.get('requestId') === null ? 'source' : 'request',
  );
  const [credential, setCredential] = useState<string | undefined>(params.get('ak') ?? undefined);
  const [ip, setIp] = useState(params.get('ip') ?? '');
  const [vpcId, setVpcId] = useState('');
  const [service, setService] = useState('');
  const [requestId, setRequestId] = useState(params.get('requestId') ?? '');
  const [against, setAgainst] = useState<EvaluateAgainst>('in-force');
  const [checked, setChecked] = useState<Checked | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const draftOpen = panel.request !== undefined && panel.draft !== undefined;

  const run = useCallback(async () => {
    if (keys === undefined) return;
    setBusy(true);
    setProblem(undefined);
    setChecked(undefined);
    try {
      const view = { request: panel.request, draft: panel.draft };
      if (mode === 'request') {
        const answer = await callAction<CheckAnswer>('Keyfence', 'CheckAccessKeyAccess', {
          RequestId: requestId.trim(),
        });
        const cred = credentialOf(answer.AccessKeyId, keys) ?? { kind: 'sts' as const };
        const input: CheckInput = {
          credential: cred,
          ip: answer.SourceIp,
          vpcId: answer.VpcId,
          service: answer.Service,
        };
        setCredential(cred.kind === 'key' ? cred.key.accessKeyId : STS);
        setIp(answer.SourceIp);
        setVpcId(answer.VpcId ?? '');
        setService(answer.Service ?? '');
        let report: CheckReport;
        if (against === 'draft' || cred.kind !== 'key')
          report = await evaluateCheck(input, against, session, view);
        else {
          const policies = await loadStoredPolicies(keyTarget(cred.key, session));
          report = { outcomes: outcomesOf(answer, against, policies), policies };
        }
        setChecked({ input, report, recorded: answer.RecordedCall });
        return;
      }
      const cred = credentialOf(credential, keys);
      if (cred === undefined) throw new CheckRefused('Choose a credential.');
      if (ip.trim() === '') throw new CheckRefused('Enter a source IP address.');
      const input: CheckInput = {
        credential: cred,
        ip: ip.trim(),
        vpcId: vpcId.trim() === '' ? undefined : vpcId.trim(),
        service: service.trim() === '' ? undefined : service.trim(),
      };
      setChecked({ input, report: await evaluateCheck(input, against, session, view) });
    } catch (e) {
      setProblem(
        e instanceof ConsoleApiError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e),
      );
    } finally {
      setBusy(false);
    }
  }, [keys, mode, requestId, credential, ip, vpcId, service, against, session, panel.request, panel.draft]);

  // A RequestId in the URL (Event Query's Explain, an SDK error pasted into a link) is checked at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the keys are known.
  useEffect(() => {
    if (keys !== undefined && params.get('requestId') !== null) void run();
  }, [keys]);

  const fixFor = (input: CheckInput): (() => void) | undefined => {
    const key = input.credential.kind === 'key' ? input.credential.key : undefined;
    const keyLevel = key !== undefined && checked?.report.policies?.key.policy?.Status === 'Active';
    const scope: PanelRequest['scope'] =
      keyLevel && key !== undefined
        ? {
            kind: 'accessKey',
            accessKeyId: key.accessKeyId,
            ...(key.owner === null ? {} : { userName: key.owner.userName }),
          }
        : { kind: 'account' };
    if (input.credential.kind === 'sts') return undefined;
    return () =>
      panel.open(
        input.vpcId === undefined
          ? { scope, addPublic: [input.ip] }
          : { scope, addVpc: [{ vpcId: input.vpcId, entries: [input.ip] }] },
      );
  };

  return (
    <div ref={besidePanel.ref} style={besidePanel.style}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Title level={3}>Check an IP</Typography.Title>
        <SectionCard title="What to check">
          <Form layout="vertical" onFinish={() => void run()}>
            <Form.Item label="Check by" htmlFor="check-mode">
              <Radio.Group
                id="check-mode"
                value={mode}
                onChange={(e) => setMode(e.target.value as typeof mode)}
                options={[
                  { value: 'source', label: 'Source address' },
                  { value: 'request', label: 'RequestId' },
                ]}
              />
            </Form.Item>
            {mode === 'request' ? (
              <Form.Item label="RequestId (from an SDK error or the Event Query)" htmlFor="check-request-id">
                <Input
                  id="check-request-id"
                  value={requestId}
                  onChange={(e) => setRequestId(e.target.value)}
                  style={{ maxWidth: 420 }}
                />
              </Form.Item>
            ) : (
              <Space wrap align="start">
                <Form.Item label="Source IP" htmlFor="check-ip">
                  <Input
                    id="check-ip"
                    value={ip}
                    onChange={(e) => setIp(e.target.value)}
                    placeholder="203.0.113.7"
                    style={{ width: 240 }}
                  />
                </Form.Item>
                <Form.Item label="VPC ID (optional)" htmlFor="check-vpc">
                  <Input
                    id="check-vpc"
                    value={vpcId}
                    onChange={(e) => setVpcId(e.target.value)}
                    placeholder="vpc-…"
                    style={{ width: 240 }}
                  />
                </Form.Item>
                <Form.Item label="Credential" htmlFor="check-credential">
                  <Select
                    id="check-credential"
                    showSearch
                    style={{ width: besidePanel.beside ? 280 : 380 }}
                    value={credential}
                    loading={keys === undefined}
                    placeholder="An AccessKey"
                    onChange={setCredential}
                    options={[
                      ...(keys ?? []).map((k) => ({ value: k.accessKeyId, label: keyLabel(k) })),
                      { value: ACCOUNT_GOVERNED, label: 'A key governed by the account-level policy' },
                      { value: STS, label: 'STS credential' },
                    ]}
                  />
                </Form.Item>
                <Form.Item label="Service (optional)" htmlFor="check-service">
                  <Input
                    id="check-service"
                    value={service}
                    onChange={(e) => setService(e.target.value)}
                    placeholder="ecs"
                    style={{ width: 160 }}
                  />
                </Form.Item>
              </Space>
            )}
            <Form.Item label="Evaluate against" htmlFor="check-against">
              <Radio.Group
                id="check-against"
                value={against}
                onChange={(e) => setAgainst(e.target.value as EvaluateAgainst)}
                options={[
                  { value: 'in-force', label: 'Policies in force' },
                  { value: 'stored', label: 'Stored policies, even if Disabled' },
                  { value: 'draft', label: 'The draft open in a panel', disabled: !draftOpen },
                ]}
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              Check
            </Button>
          </Form>
        </SectionCard>
        {problem !== undefined && <Alert type="error" showIcon message={problem} />}
        {checked !== undefined && (
          <SectionCard title="Result">
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Text>
                {checked.input.credential.kind === 'key'
                  ? checked.input.credential.key.accessKeyId
                  : checked.input.credential.kind === 'sts'
                    ? 'STS credential'
                    : 'A key governed by the account-level policy'}{' '}
                from {checked.input.ip}
                {checked.input.vpcId === undefined ? ' (public network)' : ` in ${checked.input.vpcId}`}
                {checked.input.service === undefined ? '' : `, service ${checked.input.service}`}
              </Typography.Text>
              {checked.recorded !== undefined && (
                <Descriptions
                  size="small"
                  bordered
                  column={besidePanel.beside ? 1 : 3}
                  title="As recorded then"
                >
                  <Descriptions.Item label="Time">{showTime(checked.recorded.EventTime)}</Descriptions.Item>
                  <Descriptions.Item label="Outcome">
                    {checked.recorded.Allowed === null
                      ? 'no decision'
                      : checked.recorded.Allowed
                        ? 'Allowed'
                        : 'Denied'}
                  </Descriptions.Item>
                  <Descriptions.Item label="Reason">{checked.recorded.Reason ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="Scope">{checked.recorded.Scope ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="Statement index">
                    {checked.recorded.StatementIndex ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label="Policy version">
                    {checked.recorded.PolicyVersion ?? '—'}
                  </Descriptions.Item>
                </Descriptions>
              )}
              {checked.report.outcomes.map((outcome) => (
                <CheckResult
                  key={outcome.label}
                  outcome={outcome}
                  onFix={fixFor(checked.input)}
                  compact={besidePanel.beside}
                />
              ))}
              <SeenBefore
                ip={checked.input.ip}
                accessKeyId={
                  checked.input.credential.kind === 'key'
                    ? checked.input.credential.key.accessKeyId
                    : undefined
                }
                compact={besidePanel.beside}
              />
            </Space>
          </SectionCard>
        )}
      </Space>
    </div>
  );
}
