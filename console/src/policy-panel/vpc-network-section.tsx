import { DeleteOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Space, Typography } from 'antd';
import { EntryEditor } from './entry-editor';
import { ExplainedButton } from './explained-button';
import type { DraftStatement } from './panel-draft';
import type { EntryUse } from './use-panel-data';
import type { StatementView } from './validate-draft';

interface VpcNetworkSectionProps {
  readonly statements: readonly DraftStatement[];
  readonly views: ReadonlyMap<number, StatementView>;
  readonly active: boolean;
  readonly addDisabled: string | undefined;
  readonly allowAllDisabled: string | undefined;
  readonly limit: number;
  readonly usage: ReadonlyMap<string, EntryUse>;
  readonly windowDays: number;
  readonly onAdd: () => void;
  readonly onAllowAll: () => void;
  readonly onChange: (statement: DraftStatement) => void;
  readonly onRemove: (id: number) => void;
}

/** The VPC Network ACL cards: one per VPCWhiteList statement, a VPC ID (or AllowAllVPC) each. */
export const VpcNetworkSection = (props: VpcNetworkSectionProps) => (
  <section aria-labelledby="kf-vpc-acl">
    <Typography.Title level={4} id="kf-vpc-acl">
      VPC Network ACL
    </Typography.Title>
    <Space wrap style={{ marginBottom: 8 }}>
      <ExplainedButton onClick={props.onAdd} reason={props.addDisabled}>
        Add VPC Statement
      </ExplainedButton>
      <ExplainedButton onClick={props.onAllowAll} reason={props.allowAllDisabled}>
        Allow All VPC Network Access
      </ExplainedButton>
    </Space>
    {props.statements.length === 0 && props.active && (
      <Alert
        type="warning"
        showIcon
        title={
          <span>
            No VPC statement: <strong>all calls from VPCs will be denied</strong>
          </span>
        }
      />
    )}
    {props.statements.map((statement, n) => {
      const view = props.views.get(statement.id);
      if (view === undefined) return null;
      const vpcId = statement.vpcId.trim();
      const name = vpcId === '' ? `VPC statement ${n + 1}` : vpcId;
      return (
        <Card
          key={statement.id}
          size="small"
          style={{ marginBottom: 8 }}
          title={`VPC statement ${n + 1} (VPCWhiteList)`}
          extra={
            <Button
              type="text"
              icon={<DeleteOutlined />}
              aria-label={`Remove VPC statement ${n + 1}`}
              onClick={() => props.onRemove(statement.id)}
            />
          }
        >
          <label htmlFor={`kf-vpc-${statement.id}`} style={{ display: 'block' }}>
            VPC ID
          </label>
          <Input
            id={`kf-vpc-${statement.id}`}
            aria-label={`VPC ID of VPC statement ${n + 1}`}
            value={statement.vpcId}
            placeholder="vpc-bp1234567890abcdef, or AllowAllVPC"
            status={view.errors.some((p) => p.code.endsWith('.Value')) ? 'error' : undefined}
            onChange={(e) => props.onChange({ ...statement, vpcId: e.target.value })}
            style={{ marginBottom: 8 }}
          />
          {vpcId === 'AllowAllVPC' && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 8 }}
              title="AllowAllVPC allows access from all IP addresses within all VPCs across all accounts, not only yours."
            />
          )}
          <EntryEditor
            statement={statement}
            view={view}
            label={`VPC entries of ${name}`}
            chipsLabel={`Chips of VPC statement ${n + 1}`}
            limit={props.limit}
            usage={props.usage}
            windowDays={props.windowDays}
            onChange={props.onChange}
          />
        </Card>
      );
    })}
  </section>
);
