import { Alert, Card, Col, Descriptions, Row, Space, Spin, Statistic, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { identityLabel, may } from '../../api/console-session';
import { useAction } from '../../api/use-action';
import { useSession } from '../../session/session-context';
import { CardTitle } from '../settings/card-title';
import { STATUS_COLOR, summarizePolicy } from '../settings/policy-summary';
import { effectiveOn, type PolicyVersionStatus } from '../settings/propagation-summary';
import { useIdentityCounts } from './identity-counts';

interface AccountPolicyAnswer {
  readonly AccessKeyPolicy: string;
  readonly PolicyVersion: number;
}

/** `2026-12-08T04:37:42.493Z` → `2026-12-08 04:37 UTC`: the page runs in any time zone, the server in UTC. */
const toMinuteUtc = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** The signed-in landing: who and where you are, what the account holds, and what is enforced. */
export default function OverviewPage() {
  const session = useSession();
  const { counts, failed } = useIdentityCounts(session);
  const policy = useAction<AccountPolicyAnswer>(
    'Ims',
    'GetAccessKeyPolicyForAccount',
    may(session, 'ram:GetAccessKeyPolicyForAccount') ? {} : null,
  );
  const propagation = useAction<PolicyVersionStatus>(
    'Ims',
    'GetPolicyVersionStatus',
    may(session, 'ram:GetPolicyVersionStatus') ? {} : null,
  );
  const summary = policy.data === undefined ? undefined : summarizePolicy(policy.data.AccessKeyPolicy);
  const status = propagation.data;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        Overview
      </Typography.Title>
      <Card title={<CardTitle>This session</CardTitle>}>
        <Descriptions
          column={{ xs: 1, md: 2 }}
          size="small"
          items={[
            {
              key: 'account',
              label: 'Account ID',
              children: <Typography.Text copyable>{session.AccountId}</Typography.Text>,
            },
            {
              key: 'identity',
              label: 'Signed in as',
              children: `${identityLabel(session)} (${session.Identity.Type === 'root' ? 'root identity' : 'RAM user'})`,
            },
            { key: 'address', label: 'Your address', children: session.ClientIp },
            { key: 'expires', label: 'Session expires', children: toMinuteUtc(session.ExpiresAt) },
            { key: 'node', label: 'Served by node', children: session.NodeId },
            { key: 'version', label: 'Policy version enforced here', children: session.PolicyVersion },
          ]}
        />
      </Card>
      <Row gutter={[16, 16]}>
        {may(session, 'ram:ListUsers') && (
          <Col xs={24} lg={8}>
            <Card title={<CardTitle>Identities</CardTitle>} style={{ height: '100%' }}>
              {failed !== undefined && <Alert type="error" showIcon title={failed} />}
              {counts === undefined ? (
                failed === undefined && <Spin aria-label="Counting users and AccessKeys" />
              ) : (
                <Space size={48} align="start">
                  <Statistic title="RAM users" value={`${counts.users}${counts.usersPartial ? '+' : ''}`} />
                  {counts.accessKeys !== undefined && (
                    <Statistic
                      title="Permanent AccessKeys"
                      value={`${counts.accessKeys}${counts.keysPartial ? '+' : ''}`}
                    />
                  )}
                </Space>
              )}
              <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
                <Link to="/users">Users</Link>
              </Typography.Paragraph>
            </Card>
          </Col>
        )}
        {may(session, 'ram:GetAccessKeyPolicyForAccount') && (
          <Col xs={24} lg={8}>
            <Card title={<CardTitle>Account-level network ACL</CardTitle>} style={{ height: '100%' }}>
              {policy.error !== undefined && <Alert type="error" showIcon title={policy.error.message} />}
              {summary === undefined ? (
                policy.loading && <Spin aria-label="Loading the account-level policy" />
              ) : (
                <Space direction="vertical" size={4}>
                  <Space wrap>
                    <Tag color={STATUS_COLOR[summary.status]}>{summary.status}</Tag>
                    {policy.data !== undefined && policy.data.PolicyVersion > 0 && (
                      <Typography.Text>version {policy.data.PolicyVersion}</Typography.Text>
                    )}
                  </Space>
                  {summary.statements !== '' && <Typography.Text>{summary.statements}</Typography.Text>}
                  {summary.status === 'Not configured' && (
                    <Typography.Text>Permanent AccessKeys may call from any address.</Typography.Text>
                  )}
                </Space>
              )}
              <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
                <Link to="/settings">Settings</Link>
              </Typography.Paragraph>
            </Card>
          </Col>
        )}
        {may(session, 'ram:GetPolicyVersionStatus') && (
          <Col xs={24} lg={8}>
            <Card title={<CardTitle>Propagation</CardTitle>} style={{ height: '100%' }}>
              {propagation.error !== undefined && (
                <Alert type="error" showIcon title={propagation.error.message} />
              )}
              {status === undefined ? (
                propagation.loading && <Spin aria-label="Loading the nodes" />
              ) : (
                <Space direction="vertical" size={4}>
                  <Typography.Text>Latest policy version {status.CurrentVersion}</Typography.Text>
                  <Typography.Text>{effectiveOn(status)}</Typography.Text>
                  {status.LaggingNodes > 0 && <Tag color="processing">{status.LaggingNodes} lagging</Tag>}
                  {status.StaleNodes > 0 && <Tag color="warning">{status.StaleNodes} stale</Tag>}
                </Space>
              )}
              <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
                <Link to="/propagation">Propagation</Link>
              </Typography.Paragraph>
            </Card>
          </Col>
        )}
      </Row>
    </Space>
  );
}
