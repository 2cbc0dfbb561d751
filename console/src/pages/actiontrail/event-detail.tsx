import { Descriptions, Typography } from 'antd';
import type { AuditEvent } from './audit-event';

/** An expanded row: the network-ACL decision first, then the whole event as LookupEvents answered it. */
export const EventDetail = ({ event }: { readonly event: AuditEvent }) => {
  const decision = event.keyfence;
  return (
    <div>
      {decision !== null && (
        <Descriptions size="small" column={5} title="KeyFence decision" bordered>
          <Descriptions.Item label="Reason">{decision.reason ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="Scope">{decision.scope ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="Statement">{decision.statement ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="Policy version">{decision.policyVersion ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="Applied version">{decision.appliedVersion ?? '—'}</Descriptions.Item>
        </Descriptions>
      )}
      <Typography.Paragraph>
        <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>
          {JSON.stringify(event, null, 2)}
        </pre>
      </Typography.Paragraph>
    </div>
  );
};
