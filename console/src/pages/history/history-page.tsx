import { Alert, Button, Card, Form, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConsoleApiError } from '../../api/console-api-error';
import { ExplainedButton } from '../../policy-panel/explained-button';
import type { PolicyScope } from '../../policy-panel/policy-scope';
import { usePolicyPanel } from '../../policy-panel/use-policy-panel';
import { useSession } from '../../session/session-context';
import { keyLabel, useAccountKeys } from '../actiontrail/account-keys';
import { CardTitle } from '../actiontrail/card-title';
import { showTime } from '../actiontrail/utc-time';
import { scopeParam } from '../recommend/recommendation';
import { actorOf, changeKind, listPolicyVersions, type PolicyVersion } from './policy-versions';
import { SideBySideDiff } from './side-by-side-diff';

const PAGE = 50;
const NONE = '{}';

const asError = (e: unknown): ConsoleApiError =>
  e instanceof ConsoleApiError ? e : new ConsoleApiError(0, {});

/**
 * Policy history: every change of one scope's policy from the store's history
 * (ListAccessKeyPolicyHistory), who made it and through what, with the document and the entry
 * descriptions before and after side by side. Restore opens the panel with that version's
 * document and descriptions; it goes through the same confirm dialog and impact preview.
 */
export default function HistoryPage() {
  const session = useSession();
  const panel = usePolicyPanel();
  const [params, setParams] = useSearchParams();
  const scope = scopeParam(params.get('scope'));
  const scopeValue = scope.kind === 'account' ? 'account' : `ak:${scope.accessKeyId}`;
  const { keys } = useAccountKeys(session);
  const [versions, setVersions] = useState<readonly PolicyVersion[] | undefined>(undefined);
  const [nextToken, setNextToken] = useState('');
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ConsoleApiError | undefined>(undefined);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const key = scope.kind === 'accessKey' ? keys?.find((k) => k.accessKeyId === scope.accessKeyId) : undefined;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `scopeValue` stands for `scope`.
  useEffect(() => {
    let current = true;
    setVersions(undefined);
    setNextToken('');
    setError(undefined);
    setSelected(undefined);
    listPolicyVersions(scope, PAGE).then(
      (answer) => {
        if (!current) return;
        setVersions(answer.Versions);
        setNextToken(answer.NextToken);
        setSelected(answer.Versions[0]?.PolicyVersion);
      },
      (e: unknown) => current && setError(asError(e)),
    );
    return () => {
      current = false;
    };
  }, [scopeValue]);

  const loadMore = () => {
    setLoadingMore(true);
    listPolicyVersions(scope, PAGE, nextToken)
      .then(
        (answer) => {
          setVersions((shown) => [...(shown ?? []), ...answer.Versions]);
          setNextToken(answer.NextToken);
        },
        (e: unknown) => setError(asError(e)),
      )
      .finally(() => setLoadingMore(false));
  };

  const version = versions?.find((v) => v.PolicyVersion === selected);
  const latest = versions?.[0]?.PolicyVersion;
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
      <Card size="small" title={<CardTitle>Versions</CardTitle>}>
        <Table<PolicyVersion>
          size="small"
          rowKey="PolicyVersion"
          loading={versions === undefined && error === undefined}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={[...(versions ?? [])]}
          locale={{ emptyText: 'This policy was never set.' }}
          rowSelection={{
            type: 'radio',
            selectedRowKeys: selected === undefined ? [] : [selected],
            onChange: (rows) => setSelected(Number(rows[0])),
            getCheckboxProps: (v) => ({ 'aria-label': `Show version ${v.PolicyVersion}` }) as never,
          }}
          columns={[
            { title: 'Version', dataIndex: 'PolicyVersion', render: (n: number) => `v${n}` },
            { title: 'Time', dataIndex: 'ChangedAt', render: (t: string) => showTime(t) },
            { title: 'By', key: 'by', render: (_: unknown, v) => actorOf(v.ChangedBy).who },
            {
              title: 'Through',
              key: 'through',
              render: (_: unknown, v) => actorOf(v.ChangedBy).through ?? '—',
            },
            { title: 'Change', key: 'change', render: (_: unknown, v) => changeKind(v) },
          ]}
        />
        {nextToken !== '' && (
          <Button style={{ marginTop: 8 }} loading={loadingMore} onClick={loadMore}>
            Load older versions
          </Button>
        )}
      </Card>
      {version !== undefined && (
        <Card
          size="small"
          title={
            <CardTitle>{`Version ${version.PolicyVersion} of ${showTime(version.ChangedAt)} by ${actorOf(version.ChangedBy).who}`}</CardTitle>
          }
          extra={
            <ExplainedButton
              type="primary"
              reason={notRestorable(version, version.PolicyVersion === latest)}
              onClick={() =>
                panel.open({
                  scope: panelScope,
                  draft: version.AccessKeyPolicy,
                  draftMetadata: version.EntryDescriptions,
                })
              }
            >
              Restore this version
            </ExplainedButton>
          }
        >
          <Space direction="vertical" style={{ width: '100%' }}>
            <SideBySideDiff
              before={version.PreviousAccessKeyPolicy ?? NONE}
              after={version.AccessKeyPolicy ?? NONE}
              beforeLabel={version.PreviousAccessKeyPolicy === undefined ? 'Before (never set)' : 'Before'}
              afterLabel={version.AccessKeyPolicy === undefined ? 'This version (deleted)' : 'This version'}
            />
            {(version.EntryDescriptions.length > 0 || version.PreviousEntryDescriptions.length > 0) && (
              <SideBySideDiff
                before={JSON.stringify(version.PreviousEntryDescriptions)}
                after={JSON.stringify(version.EntryDescriptions)}
                beforeLabel="Entry descriptions before"
                afterLabel="Entry descriptions of this version"
              />
            )}
          </Space>
        </Card>
      )}
    </Space>
  );
}

/** Why a version cannot be restored; undefined when it can. */
const notRestorable = (version: PolicyVersion, inForce: boolean): string | undefined =>
  inForce
    ? 'This version is the one in force.'
    : version.AccessKeyPolicy === undefined
      ? 'This change deleted the policy with its key.'
      : undefined;
