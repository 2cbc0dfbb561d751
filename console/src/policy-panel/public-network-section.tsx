import { DeleteOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Space, Typography } from 'antd';
import { canonicalEntries } from './draft-additions';
import { EntryEditor } from './entry-editor';
import { ExplainedButton } from './explained-button';
import type { DraftStatement } from './panel-draft';
import type { EntryUse } from './use-panel-data';
import type { StatementView } from './validate-draft';

export const ALL_ADDRESSES = ['0.0.0.0/0', '::/0'] as const;

interface PublicNetworkSectionProps {
  readonly statement: DraftStatement | undefined;
  readonly view: StatementView | undefined;
  readonly active: boolean;
  /** Why Add Public Network Statement is disabled, or undefined when it is not. */
  readonly addDisabled: string | undefined;
  readonly limit: number;
  readonly usage: ReadonlyMap<string, EntryUse>;
  readonly windowDays: number;
  readonly clientIp: string;
  /** Shown once "Use my current IP" added the browser's address. */
  readonly addedClientIp: boolean;
  readonly suggesting: boolean;
  readonly canSuggest: boolean;
  readonly onAdd: () => void;
  readonly onAllowAll: () => void;
  readonly onCurrentIp: () => void;
  readonly onSuggest: () => void;
  readonly onChange: (statement: DraftStatement) => void;
  readonly onRemove: () => void;
}

/** The Public Network ACL card: the one ClassicWhiteList statement, and the ways to fill it. */
export const PublicNetworkSection = (props: PublicNetworkSectionProps) => {
  const { statement, view } = props;
  const all = statement === undefined ? new Set<string>() : canonicalEntries(statement.text);
  const allowsAll = ALL_ADDRESSES.every((a) => all.has(a));
  return (
    <section aria-labelledby="kf-public-acl">
      <Typography.Title level={4} id="kf-public-acl">
        Public Network ACL
      </Typography.Title>
      <Space wrap style={{ marginBottom: 8 }}>
        <ExplainedButton onClick={props.onAdd} reason={props.addDisabled}>
          Add Public Network Statement
        </ExplainedButton>
        <Button onClick={props.onAllowAll}>Allow All Public Network Access</Button>
        <Button onClick={props.onCurrentIp}>Use my current IP</Button>
        {props.canSuggest && (
          <Button onClick={props.onSuggest} loading={props.suggesting}>
            Suggest from history
          </Button>
        )}
      </Space>
      {props.addedClientIp && (
        <Typography.Paragraph type="secondary">
          {props.clientIp} is this browser's address as the console sees it; it is rarely the address your
          applications call from.
        </Typography.Paragraph>
      )}
      {statement === undefined || view === undefined ? (
        props.active && (
          <Alert
            type="warning"
            showIcon
            title={
              <span>
                No public statement: <strong>all calls from public networks will be denied</strong>
              </span>
            }
          />
        )
      ) : (
        <Card
          size="small"
          title="Public network statement (ClassicWhiteList)"
          extra={
            <Button
              type="text"
              icon={<DeleteOutlined />}
              aria-label="Remove the public network statement"
              onClick={props.onRemove}
            />
          }
        >
          {allowsAll && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 8 }}
              title="All public IPv4 and IPv6 addresses are allowed: this public statement restricts nothing"
            />
          )}
          <EntryEditor
            statement={statement}
            view={view}
            label="Public network entries"
            chipsLabel="Public statement chips"
            limit={props.limit}
            usage={props.usage}
            windowDays={props.windowDays}
            onChange={props.onChange}
          />
        </Card>
      )}
    </section>
  );
};
