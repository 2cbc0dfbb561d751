import { Button, Descriptions, Space, Tag } from 'antd';
import type { PolicyScope } from '../../policy-panel/policy-scope';
import { policyInForce, type StoredPolicies, statusLabel } from '../check/stored-policies';
import type { AccountKey } from './account-keys';
import { RotationTag } from './rotation-tag';
import { StatusTag } from './status-tag';
import { showTime } from './utc-time';

export interface LastUsed {
  readonly LastUsedDate?: string;
  readonly ServiceName?: string;
}

/** Who owns the audited key, its state, and which policy decides for it now, with Modify. */
export const AuditHeader = ({
  accessKey,
  policies,
  lastUsed,
  now,
  rotationDays,
  onModify,
  compact,
}: {
  readonly accessKey: AccountKey;
  readonly policies: StoredPolicies | undefined;
  readonly lastUsed: LastUsed | undefined;
  readonly now: Date;
  readonly rotationDays: number;
  readonly onModify: (scope: PolicyScope) => void;
  /** Beside an open panel: one column. */
  readonly compact: boolean;
}) => {
  const inForce = policies === undefined ? undefined : policyInForce(policies);
  const keyScope: PolicyScope = {
    kind: 'accessKey',
    accessKeyId: accessKey.accessKeyId,
    ...(accessKey.owner === null ? {} : { userName: accessKey.owner.userName }),
  };
  return (
    <Descriptions bordered size="small" column={compact ? 1 : 2} aria-label="AccessKey">
      <Descriptions.Item label="AccessKey ID">{accessKey.accessKeyId}</Descriptions.Item>
      <Descriptions.Item label="Owner">
        {accessKey.owner === null ? 'root' : accessKey.owner.principalName}
      </Descriptions.Item>
      <Descriptions.Item label="Status">
        <StatusTag tone={accessKey.status === 'Active' ? 'good' : 'neutral'}>{accessKey.status}</StatusTag>
      </Descriptions.Item>
      <Descriptions.Item label="Created">
        <Space>
          {showTime(accessKey.createDate)}
          <RotationTag createDate={accessKey.createDate} now={now} rotationDays={rotationDays} />
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label="Last used">
        {lastUsed?.LastUsedDate === undefined
          ? 'Never'
          : `${showTime(lastUsed.LastUsedDate)}${lastUsed.ServiceName ? ` (${lastUsed.ServiceName})` : ''}`}
      </Descriptions.Item>
      <Descriptions.Item label="Policy in force">
        {policies === undefined || inForce === undefined ? (
          '…'
        ) : (
          <Space wrap>
            {inForce.scope === 'accessKey'
              ? `Key-level (Enabled), v${inForce.version}`
              : inForce.scope === 'account'
                ? `Account-level (Enabled), v${inForce.version}`
                : 'None: no Active policy restricts this key'}
            {inForce.scope !== 'accessKey' && policies.key.policy !== null && (
              <Tag>{statusLabel('Key-level', policies.key)}</Tag>
            )}
            <Button
              size="small"
              onClick={() => onModify(inForce.scope === 'account' ? { kind: 'account' } : keyScope)}
            >
              Modify
            </Button>
          </Space>
        )}
      </Descriptions.Item>
    </Descriptions>
  );
};
