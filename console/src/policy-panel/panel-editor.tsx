import { isNeverSet } from '@keyfence/policy/no-policy.js';
import type { AccessKeyPolicy, PolicyStatus } from '@keyfence/policy/policy-document.js';
import { App, Button, Divider, Drawer, Radio, Space, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import { type ConsoleSession, may } from '../api/console-session';
import { ConfirmSubmissionModal, type Submission } from './confirm-submission-modal';
import { addEntries, applyRequest, suggestPolicy } from './draft-additions';
import { DraftCheckIp } from './draft-check-ip';
import { draftFromPolicy } from './draft-from-policy';
import { ExplainedButton } from './explained-button';
import { type DraftStatement, newStatement, orderStatements, type PanelDraft } from './panel-draft';
import { PanelNotes } from './panel-notes';
import { panelTitle } from './panel-title';
import type { PanelRequest } from './policy-scope';
import { ALL_ADDRESSES, PublicNetworkSection } from './public-network-section';
import { ScopeBanner } from './scope-banner';
import { insightParams } from './scope-params';
import { ShowJsonModal } from './show-json-modal';
import { useGovernedKeys } from './use-governed-keys';
import type { PanelData } from './use-panel-data';
import { usePolicyPanel } from './use-policy-panel';
import { type StatementView, sessionLimits, validateDraft } from './validate-draft';
import { VpcNetworkSection } from './vpc-network-section';

/** Clear policy's document: the only way to remove a policy (there is no delete call). */
const CLEARED = '{"Version":1,"Status":"Inactive","Statements":[]}';

interface PanelEditorProps {
  readonly request: PanelRequest;
  readonly session: ConsoleSession;
  readonly data: PanelData;
  readonly splitView: boolean;
  readonly onSplitView: () => void;
  readonly onClose: () => void;
  readonly onReload: () => void;
}

/** What a draft says, without the cards' React identities: equal signatures, nothing to save. */
const signature = (draft: PanelDraft): string =>
  JSON.stringify([draft.status, draft.statements.map(({ id: _id, ...rest }) => rest)]);

const storedPolicy = (json: string | undefined): AccessKeyPolicy | null =>
  json === undefined || isNeverSet(json) ? null : (JSON.parse(json) as AccessKeyPolicy);

export const PanelEditor = (props: PanelEditorProps) => {
  const { request, session, data } = props;
  const { scope } = request;
  const { modal, message } = App.useApp();
  const { setDraft: publishDraft } = usePolicyPanel();
  const limits = useMemo(() => sessionLimits(session), [session]);
  const base = useMemo(() => draftFromPolicy(data.stored.AccessKeyPolicy, data.metadata), [data]);
  const [draft, setDraft] = useState<PanelDraft>(() => applyRequest(base, request, data.metadata));
  const [submission, setSubmission] = useState<Submission | undefined>(undefined);
  const [showJson, setShowJson] = useState(false);
  const [addedClientIp, setAddedClientIp] = useState(false);
  const [suggesting, setSuggesting] = useState(false);
  const governed = useGovernedKeys(session, scope.kind === 'account');
  const validation = useMemo(() => validateDraft(draft, limits), [draft, limits]);
  const dirty = signature(draft) !== signature(base);
  const windowDays = Math.min(session.PreviewWindowDays, session.RetentionDays);

  // AccessKey Audit beside the panel marks the sources this draft covers, per keystroke.
  useEffect(() => publishDraft(validation.json), [validation.json, publishDraft]);

  const views = new Map<number, StatementView>(validation.statements.map((v) => [v.id, v]));
  const publicCard = draft.statements.find((s) => s.type === 'ClassicWhiteList');
  const vpcCards = draft.statements.filter((s) => s.type === 'VPCWhiteList');
  const max = limits.maxStatements;
  const full = draft.statements.length >= max;
  const fullText = `At most ${max} statements (${publicCard === undefined ? 0 : 1} public + ${vpcCards.length} VPC here)`;
  const active = draft.status === 'Active';

  const update = (next: PanelDraft) => setDraft({ ...next, statements: orderStatements(next.statements) });
  const change = (statement: DraftStatement) =>
    update({ ...draft, statements: draft.statements.map((s) => (s.id === statement.id ? statement : s)) });
  const remove = (id: number) =>
    update({ ...draft, statements: draft.statements.filter((s) => s.id !== id) });

  const suggest = () => {
    setSuggesting(true);
    callAction<{ AccessKeyPolicy: string; Entries: readonly unknown[] }>(
      'Keyfence',
      'RecommendAccessKeyPolicy',
      insightParams(scope),
    ).then(
      (answer) => {
        setSuggesting(false);
        if (answer.Entries.length === 0)
          void message.info('No successful call in the window to suggest from.');
        else setDraft((d) => suggestPolicy(d, answer.AccessKeyPolicy));
      },
      (error: unknown) => {
        setSuggesting(false);
        void message.error(
          error instanceof ConsoleApiError ? `${error.message} (${error.code})` : 'No suggestion.',
        );
      },
    );
  };

  const cancel = () => {
    if (!dirty) {
      props.onClose();
      return;
    }
    modal.confirm({
      title: 'Discard your changes?',
      content: 'The draft of this policy has not been submitted.',
      okText: 'Discard',
      cancelText: 'Keep editing',
      onOk: props.onClose,
    });
  };

  const confirm = (policyJson: string, metadata: Submission['metadata']) =>
    setSubmission({
      policyJson,
      metadata,
      beforeJson: data.stored.AccessKeyPolicy,
      expectedVersion: data.stored.PolicyVersion,
    });

  const accountPolicy = storedPolicy(data.account?.AccessKeyPolicy);
  const submitBlocked =
    validation.errorCount > 0
      ? `Fix the ${validation.errorCount === 1 ? 'error' : `${validation.errorCount} errors`} first`
      : undefined;

  return (
    <Drawer
      open
      size={720}
      title={panelTitle(request)}
      mask={!props.splitView}
      onClose={cancel}
      footer={
        <Space wrap>
          <ExplainedButton
            type="primary"
            reason={submitBlocked}
            onClick={() => confirm(validation.json, validation.metadata)}
          >
            Submit
          </ExplainedButton>
          <Button onClick={cancel}>Cancel</Button>
          <Button onClick={() => setShowJson(true)}>Show JSON</Button>
          {scope.kind === 'accessKey' && (
            <>
              <Button
                disabled={accountPolicy === null}
                onClick={() =>
                  accountPolicy !== null &&
                  update({
                    ...draft,
                    statements: draftFromPolicy(data.account!.AccessKeyPolicy).statements,
                  })
                }
              >
                Copy account-level statements
              </Button>
              <Button
                danger
                disabled={isNeverSet(data.stored.AccessKeyPolicy)}
                onClick={() => confirm(CLEARED, [])}
              >
                Clear policy
              </Button>
            </>
          )}
        </Space>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <PanelNotes scope={scope} exemptServices={session.ExemptServices} onSplitView={props.onSplitView} />
        <ScopeBanner
          scope={scope}
          stored={data.stored}
          account={data.account}
          governed={governed}
          draftStatus={draft.status}
        />
        <section aria-labelledby="kf-policy-status">
          <Typography.Title level={4} id="kf-policy-status">
            Policy Status
          </Typography.Title>
          <Radio.Group
            aria-labelledby="kf-policy-status"
            value={draft.status}
            onChange={(e) => update({ ...draft, status: e.target.value as PolicyStatus })}
            options={[
              { label: 'Enable', value: 'Active' },
              { label: 'Disable', value: 'Inactive' },
            ]}
          />
          {!active && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {scope.kind === 'accessKey'
                ? 'Disabled key-level policy: the account-level policy applies to this key.'
                : 'No restriction from this policy (its statements are kept).'}
            </Typography.Paragraph>
          )}
        </section>
        <PublicNetworkSection
          statement={publicCard}
          view={publicCard === undefined ? undefined : views.get(publicCard.id)}
          active={active}
          addDisabled={publicCard !== undefined ? 'At most 1 public statement' : full ? fullText : undefined}
          limit={limits.maxEntriesPerStatement}
          usage={data.usage}
          windowDays={windowDays}
          clientIp={session.ClientIp}
          addedClientIp={addedClientIp}
          suggesting={suggesting}
          canSuggest={may(session, 'keyfence:RecommendAccessKeyPolicy')}
          onAdd={() =>
            update({ ...draft, statements: [...draft.statements, newStatement('ClassicWhiteList')] })
          }
          onAllowAll={() => update(addEntries(draft, 'ClassicWhiteList', '', ALL_ADDRESSES, false))}
          onCurrentIp={() => {
            update(addEntries(draft, 'ClassicWhiteList', '', [session.ClientIp], false));
            setAddedClientIp(true);
          }}
          onSuggest={suggest}
          onChange={change}
          onRemove={() => publicCard !== undefined && remove(publicCard.id)}
        />
        <VpcNetworkSection
          statements={vpcCards}
          views={views}
          active={active}
          addDisabled={full ? fullText : undefined}
          allowAllDisabled={
            full && !vpcCards.some((s) => s.vpcId.trim() === 'AllowAllVPC') ? fullText : undefined
          }
          limit={limits.maxEntriesPerStatement}
          usage={data.usage}
          windowDays={windowDays}
          onAdd={() => update({ ...draft, statements: [...draft.statements, newStatement('VPCWhiteList')] })}
          onAllowAll={() => update(addEntries(draft, 'VPCWhiteList', 'AllowAllVPC', ALL_ADDRESSES, false))}
          onChange={change}
          onRemove={remove}
        />
        {[...validation.errors, ...validation.warnings].map((p) => (
          <Typography.Text
            key={`${p.code}:${p.message}`}
            type={validation.errors.includes(p) ? 'danger' : 'warning'}
            style={{ display: 'block' }}
          >
            {validation.errors.includes(p) ? 'Error' : 'Warning'}: {p.message} ({p.code})
          </Typography.Text>
        ))}
        <Divider style={{ margin: 0 }} />
        <DraftCheckIp scope={scope} draft={validation.policy} accountPolicy={accountPolicy} />
      </Space>
      {showJson && (
        <ShowJsonModal
          json={validation.json}
          errorCount={validation.errorCount}
          onClose={() => setShowJson(false)}
        />
      )}
      {submission !== undefined && (
        <ConfirmSubmissionModal
          scope={scope}
          session={session}
          owner={data.owner}
          governed={governed}
          submission={submission}
          onCancel={() => setSubmission(undefined)}
          onDone={props.onClose}
          onReload={() => {
            setSubmission(undefined);
            props.onReload();
          }}
        />
      )}
    </Drawer>
  );
};
