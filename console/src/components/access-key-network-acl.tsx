import { Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useAction } from '../api/use-action';
import { summarizeNetworkAcl } from './access-key-acl-summary';
import type { AccessKeyOwner, AccessKeyPolicyAnswer } from './access-key-types';

const colors = {
  'Key-level (Enabled)': 'blue',
  'Key-level (Disabled) → account-level': 'default',
  'Account-level (Enabled)': 'geekblue',
  None: 'default',
} as const;

/**
 * Which network ACL decides for this key (key over account), with its entry count. `generation`
 * changes when a panel closes, so a submitted policy shows at once.
 */
export const AccessKeyNetworkAcl = ({
  accessKeyId,
  owner,
  accountPolicy,
  generation,
}: {
  readonly accessKeyId: string;
  readonly owner: AccessKeyOwner;
  /** The account-level document, or undefined while loading or when the caller may not read it. */
  readonly accountPolicy: string | undefined;
  readonly generation: number;
}) => {
  const { data, error, reload } = useAction<AccessKeyPolicyAnswer>('Ims', 'GetAccessKeyPolicy', {
    UserAccessKeyId: accessKeyId,
    UserPrincipalName: owner.principalName,
  });
  useEffect(() => {
    if (generation > 0) reload();
  }, [generation, reload]);
  if (error !== undefined) return <Typography.Text type="secondary">{error.code}</Typography.Text>;
  if (data === undefined) return <Typography.Text type="secondary">…</Typography.Text>;
  const summary = summarizeNetworkAcl(data.AccessKeyPolicy, accountPolicy);
  return (
    <span>
      <Tag color={colors[summary.label]}>{summary.label}</Tag>
      {summary.entries !== undefined && (
        <>
          <br />
          <Typography.Text type="secondary">
            {summary.entries} {summary.entries === 1 ? 'entry' : 'entries'}
          </Typography.Text>
        </>
      )}
    </span>
  );
};
