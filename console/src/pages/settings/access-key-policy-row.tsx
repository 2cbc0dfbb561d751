import { Alert, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useId } from 'react';
import { Link } from 'react-router';
import { useAction } from '../../api/use-action';
import { usePolicyPanel } from '../../policy-panel/use-policy-panel';
import { useLastPolicyChange } from './last-policy-change';
import { ModifyButton } from './modify-button';
import { STATUS_COLOR, summarizePolicy } from './policy-summary';
import { effectiveOn, type PolicyVersionStatus, versionParams } from './propagation-summary';
import { useReloadWhenPanelCloses } from './use-reload-when-panel-closes';

interface AccountPolicyAnswer {
  readonly AccessKeyPolicy: string;
  readonly PolicyVersion: number;
}

export const ACCESS_KEY_ROW_TITLE = 'Allowed source network address while calling APIs by AccessKey';

/** The account-level network ACL in one summary, and Modify opening its panel. */
export const AccessKeyPolicyRow = () => {
  const titleId = useId();
  const panel = usePolicyPanel();
  const policy = useAction<AccountPolicyAnswer>('Ims', 'GetAccessKeyPolicyForAccount', {});
  const version = policy.data?.PolicyVersion;
  const propagation = useAction<PolicyVersionStatus>('Ims', 'GetPolicyVersionStatus', versionParams(version));
  const last = useLastPolicyChange();
  const { reload: reloadPolicy } = policy;
  const { reload: reloadLast } = last;
  const { reload: reloadPropagation } = propagation;
  useReloadWhenPanelCloses(
    useCallback(() => {
      reloadPolicy();
      reloadLast();
      reloadPropagation();
    }, [reloadPolicy, reloadLast, reloadPropagation]),
  );
  const summary = policy.data === undefined ? undefined : summarizePolicy(policy.data.AccessKeyPolicy);

  return (
    <section aria-labelledby={titleId} className="kf-settings-row">
      <Space align="start" style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} id={titleId} style={{ fontSize: 14, margin: 0 }}>
          {ACCESS_KEY_ROW_TITLE}
        </Typography.Title>
        <ModifyButton
          needs="ram:GetAccessKeyPolicyForAccount"
          onClick={() => panel.open({ scope: { kind: 'account' } })}
        />
      </Space>
      <Typography.Paragraph style={{ marginTop: 8 }}>
        Checks every API call signed with a permanent AccessKey of this account. It never applies to console
        sign-in: that is the logon mask's job.
      </Typography.Paragraph>
      {policy.error !== undefined && <Alert type="error" showIcon title={policy.error.message} />}
      {policy.loading && summary === undefined && <Spin aria-label="Loading the account-level policy" />}
      {summary !== undefined && (
        <Space direction="vertical" size={4}>
          <Space wrap>
            <Tag color={STATUS_COLOR[summary.status]}>{summary.status}</Tag>
            {summary.statements !== '' && <Typography.Text>{summary.statements}</Typography.Text>}
          </Space>
          {version !== undefined && version > 0 && <Typography.Text>Version {version}</Typography.Text>}
          {last.change !== undefined ? (
            <Typography.Text>
              Last changed by {last.change.by} at {last.change.at}
              {last.change.from !== '' && ` from ${last.change.from}`}
            </Typography.Text>
          ) : (
            last.known &&
            version !== undefined &&
            version > 0 && <Typography.Text>Not changed in the last 7 days</Typography.Text>
          )}
          {propagation.data !== undefined && version !== undefined && version > 0 && (
            <Typography.Text>
              {effectiveOn(propagation.data)} · <Link to="/propagation">Propagation</Link>
            </Typography.Text>
          )}
          <Link to="/history?scope=account">Policy history</Link>
        </Space>
      )}
    </section>
  );
};
