import { Alert, Button, Descriptions, Space } from 'antd';
import type { CheckOutcome } from './check-outcome';
import { PolicyDocumentView } from './policy-document-view';

/** One evaluation: Allowed or Denied, why, where in which policy, and Fix when denied. */
export const CheckResult = ({
  outcome,
  onFix,
  compact,
}: {
  readonly outcome: CheckOutcome;
  /** Undefined when there is nothing to fix (allowed), or no panel the caller may open. */
  readonly onFix: (() => void) | undefined;
  /** Beside an open panel: one column. */
  readonly compact: boolean;
}) => (
  <section aria-label={outcome.label}>
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert
        type={outcome.allowed ? 'success' : 'error'}
        showIcon
        message={`${outcome.allowed ? 'Allowed' : 'Denied'} — ${outcome.label}`}
        description={`Reason: ${outcome.reason}`}
        action={
          !outcome.allowed && onFix !== undefined ? (
            <Button type="primary" onClick={onFix}>
              Fix
            </Button>
          ) : undefined
        }
      />
      <Descriptions size="small" bordered column={compact ? 1 : 3}>
        <Descriptions.Item label="Reason code">{outcome.reason}</Descriptions.Item>
        <Descriptions.Item label="Deciding scope">{outcome.scope}</Descriptions.Item>
        <Descriptions.Item label="Statement index">{outcome.statementIndex ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="Matching entry">{outcome.entry ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="Policy version">
          {outcome.policyVersion === null ? 'draft (not set)' : outcome.policyVersion}
        </Descriptions.Item>
      </Descriptions>
      {outcome.policy !== null && (
        <PolicyDocumentView
          policy={outcome.policy}
          statement={outcome.statementIndex}
          entry={outcome.entryIndex}
        />
      )}
    </Space>
  </section>
);
