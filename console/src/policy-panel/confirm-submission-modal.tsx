import { Alert, Button, Checkbox, Input, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import type { ConsoleSession } from '../api/console-session';
import { ChangeDiff } from './change-diff';
import type { EntryMetadata } from './entry-metadata';
import { plural } from './format';
import { ImpactPreview, type Simulation } from './impact-preview';
import type { PolicyScope } from './policy-scope';
import { PropagationReceipt } from './propagation-receipt';
import { type KeyOwner, policyParams, setAction } from './scope-params';
import type { GovernedKeys } from './use-governed-keys';
import { lastChange } from './version-conflict';

/** The change Submit (or Clear policy) asks to confirm. */
export interface Submission {
  readonly policyJson: string;
  readonly metadata: readonly EntryMetadata[];
  /** The stored document it replaces, and the version it was read at (ExpectedPolicyVersion). */
  readonly beforeJson: string;
  readonly expectedVersion: number;
}

interface ConfirmSubmissionModalProps {
  readonly scope: PolicyScope;
  readonly session: ConsoleSession;
  readonly owner: KeyOwner | undefined;
  readonly governed: GovernedKeys | undefined;
  readonly submission: Submission;
  readonly onCancel: () => void;
  /** After the receipt: the panel closes, its draft committed. */
  readonly onDone: () => void;
  /** After a version conflict: read the stored policy again. */
  readonly onReload: () => void;
}

const AUTO_REVERT_SECONDS = 600;

type Phase =
  | { readonly step: 'confirm' }
  | { readonly step: 'submitting' }
  | { readonly step: 'conflict'; readonly message: string }
  | { readonly step: 'committed'; readonly version: number; readonly at: number };

function scopeLine(
  scope: PolicyScope,
  owner: KeyOwner | undefined,
  governed: GovernedKeys | undefined,
): string {
  if (scope.kind === 'accessKey') {
    return `Key level: key ${scope.accessKeyId} of ${owner?.userName === undefined ? 'the root identity' : `user ${owner.userName}`}`;
  }
  if (governed === undefined) return 'Account level: every permanent key without an Active key-level policy';
  const applies = governed.keys.filter((k) => !k.ownPolicyActive).length;
  return `Account level: ${governed.partial ? 'at least ' : ''}${plural(applies, 'key')}`;
}

/** Red when the preview finds calls a document with no public (or no VPC) statement will deny. */
function missingStatementLines(policyJson: string, simulation: Simulation | undefined): string[] {
  if (simulation === undefined) return [];
  const policy = JSON.parse(policyJson) as { Status: string; Statements: { Type: string }[] };
  if (policy.Status !== 'Active') return [];
  const denied = simulation.Keys.flatMap((k) => k.NewlyDenied);
  const lines: string[] = [];
  if (
    !policy.Statements.some((s) => s.Type === 'ClassicWhiteList') &&
    denied.some((s) => s.VpcId === undefined)
  )
    lines.push('No public statement: all calls from public networks will be denied');
  if (!policy.Statements.some((s) => s.Type === 'VPCWhiteList') && denied.some((s) => s.VpcId !== undefined))
    lines.push('No VPC statement: all calls from VPCs will be denied');
  return lines;
}

/**
 * Confirm Submission: what changes, the impact preview, the typed ID; then, once committed, the
 * same dialog becomes the propagation receipt.
 */
export const ConfirmSubmissionModal = (props: ConfirmSubmissionModalProps) => {
  const { scope, session, owner, governed, submission } = props;
  const [typed, setTyped] = useState('');
  const [autoRevert, setAutoRevert] = useState(false);
  const [simulation, setSimulation] = useState<Simulation | undefined>(undefined);
  const [phase, setPhase] = useState<Phase>({ step: 'confirm' });
  const [error, setError] = useState<ConsoleApiError | undefined>(undefined);
  const id = scope.kind === 'account' ? session.AccountId : scope.accessKeyId;
  const idName = scope.kind === 'account' ? 'account ID' : 'AccessKey ID';
  const matches = typed.trim() === id;
  const denied = simulation?.NewlyDeniedCalls ?? 0;

  const submit = async () => {
    setPhase({ step: 'submitting' });
    setError(undefined);
    try {
      const answer = await callAction<{ PolicyVersion: number }>('Ims', setAction(scope), {
        ...policyParams(scope, owner),
        AccessKeyPolicy: submission.policyJson,
        ExpectedPolicyVersion: String(submission.expectedVersion),
        EntryDescriptions: JSON.stringify(submission.metadata),
        ...(autoRevert ? { AutoRevertSeconds: String(AUTO_REVERT_SECONDS) } : {}),
      });
      setPhase({ step: 'committed', version: answer.PolicyVersion, at: Date.now() });
    } catch (e) {
      const failure = e instanceof ConsoleApiError ? e : new ConsoleApiError(0, {});
      if (failure.code === 'PolicyVersionConflict') {
        const current = failure.body.CurrentPolicyVersion;
        const who = await lastChange(scope);
        setPhase({
          step: 'conflict',
          message:
            `The policy was changed since you opened it (version ${submission.expectedVersion}` +
            `${typeof current === 'number' ? `, now ${current}` : ''})${who === undefined ? '' : `: ${who}`}. ` +
            'Nothing was submitted. Reload it and make your change again.',
        });
        return;
      }
      setError(failure);
      setPhase({ step: 'confirm' });
    }
  };

  if (phase.step === 'committed') {
    return (
      <Modal
        open
        title="Propagation receipt"
        width={720}
        onCancel={props.onDone}
        footer={
          <Button type="primary" onClick={props.onDone}>
            Close
          </Button>
        }
      >
        <PropagationReceipt
          scope={scope}
          owner={owner}
          version={phase.version}
          committedAt={phase.at}
          autoRevertSeconds={autoRevert ? AUTO_REVERT_SECONDS : undefined}
        />
      </Modal>
    );
  }

  return (
    <Modal
      open
      title="Confirm Submission"
      width={880}
      onCancel={props.onCancel}
      footer={
        phase.step === 'conflict' ? (
          <Space>
            <Button onClick={props.onCancel}>Cancel</Button>
            <Button type="primary" onClick={props.onReload}>
              Reload
            </Button>
          </Space>
        ) : (
          <Space>
            <Button onClick={props.onCancel}>Cancel</Button>
            <Button
              type="primary"
              danger={denied > 0}
              disabled={!matches}
              loading={phase.step === 'submitting'}
              onClick={() => void submit()}
            >
              {denied > 0 ? `Deny ${plural(denied, 'call')} and submit` : 'OK'}
            </Button>
          </Space>
        )
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }} size="middle">
        {phase.step === 'conflict' && <Alert type="error" showIcon title={phase.message} />}
        <section aria-labelledby="kf-confirm-changes">
          <Typography.Title level={5} id="kf-confirm-changes">
            What changes
          </Typography.Title>
          <Typography.Paragraph>{scopeLine(scope, owner, governed)}</Typography.Paragraph>
          <ChangeDiff before={submission.beforeJson} after={submission.policyJson} />
        </section>
        <section aria-labelledby="kf-confirm-impact">
          <Typography.Title level={5} id="kf-confirm-impact">
            Impact preview
          </Typography.Title>
          <ImpactPreview
            scope={scope}
            session={session}
            policyJson={submission.policyJson}
            onSimulation={setSimulation}
          />
          {missingStatementLines(submission.policyJson, simulation).map((line) => (
            <Typography.Text key={line} type="danger" strong style={{ display: 'block' }}>
              {line}
            </Typography.Text>
          ))}
        </section>
        <section aria-labelledby="kf-confirm-type">
          <Typography.Title level={5} id="kf-confirm-type">
            Confirm
          </Typography.Title>
          <label htmlFor="kf-confirm-id">
            Enter the {idName} <Typography.Text code>{id}</Typography.Text> to confirm
          </label>
          <Input
            id="kf-confirm-id"
            aria-label={`Enter the ${idName} ${id} to confirm`}
            value={typed}
            autoComplete="off"
            onChange={(e) => setTyped(e.target.value)}
            status={typed !== '' && !matches ? 'warning' : undefined}
            style={{ marginTop: 4 }}
          />
          <Checkbox
            checked={autoRevert}
            onChange={(e) => setAutoRevert(e.target.checked)}
            style={{ marginTop: 8 }}
          >
            Revert automatically unless confirmed within 10 minutes
          </Checkbox>
        </section>
        {error !== undefined && (
          <Alert
            type="error"
            showIcon
            title={`${error.message} (${error.code})`}
            description={error.requestId === undefined ? undefined : `RequestId ${error.requestId}`}
          />
        )}
      </Space>
    </Modal>
  );
};
