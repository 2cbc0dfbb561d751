import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { callAction } from '../../api/console-client';
import { may } from '../../api/console-session';
import { useAction } from '../../api/use-action';
import { formatUtc } from '../../components/access-key-time';
import { TableEmptyText } from '../../components/table-empty-text';
import { useSession } from '../../session/session-context';
import { AttachPolicyDialog } from './attach-policy-dialog';

interface AttachedPolicy {
  readonly PolicyName: string;
  readonly PolicyType: string;
  readonly Description: string;
  readonly AttachDate: string;
}

interface ListPoliciesAnswer {
  readonly Policies: { readonly Policy: readonly AttachedPolicy[] };
}

/** The Permissions tab: the system policies attached to the user (ListPoliciesForUser), Attach / Detach. */
export const UserPermissionsTab = ({ userName }: { readonly userName: string }) => {
  const session = useSession();
  const { modal, message } = App.useApp();
  const { data, error, loading, reload } = useAction<ListPoliciesAnswer>('Ram', 'ListPoliciesForUser', {
    UserName: userName,
  });
  const [attaching, setAttaching] = useState(false);
  const policies = data?.Policies.Policy ?? [];

  const detach = (policy: AttachedPolicy) =>
    modal.confirm({
      title: `Detach ${policy.PolicyName} from ${userName}?`,
      content: 'The user loses what this policy allows at once.',
      okText: 'Detach',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await callAction('Ram', 'DetachPolicyFromUser', {
            UserName: userName,
            PolicyType: policy.PolicyType,
            PolicyName: policy.PolicyName,
          });
          message.success(`Detached ${policy.PolicyName}.`);
          reload();
        } catch (caught) {
          message.error(
            caught instanceof ConsoleApiError ? `${caught.code}: ${caught.message}` : String(caught),
          );
        }
      },
    });

  const columns: ColumnsType<AttachedPolicy> = [
    { title: 'Policy', dataIndex: 'PolicyName' },
    { title: 'Policy Type', dataIndex: 'PolicyType' },
    { title: 'Description', dataIndex: 'Description' },
    { title: 'Attached', dataIndex: 'AttachDate', render: (date: string) => formatUtc(date) },
    ...(may(session, 'ram:DetachPolicyFromUser')
      ? [
          {
            title: 'Actions',
            key: 'actions',
            render: (_: unknown, policy: AttachedPolicy) => (
              <Button type="link" danger size="small" style={{ padding: 0 }} onClick={() => detach(policy)}>
                Detach
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      title="Permissions"
      extra={
        may(session, 'ram:AttachPolicyToUser') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAttaching(true)}>
            Attach Policy
          </Button>
        )
      }
    >
      {error !== undefined && <Alert type="error" showIcon title={`${error.code}: ${error.message}`} />}
      <Table<AttachedPolicy>
        rowKey="PolicyName"
        size="small"
        columns={columns}
        dataSource={policies}
        loading={loading}
        pagination={false}
        locale={{ emptyText: <TableEmptyText>No policy attached</TableEmptyText> }}
      />
      {attaching && (
        <AttachPolicyDialog
          userName={userName}
          attached={policies.map((policy) => policy.PolicyName)}
          onClose={() => setAttaching(false)}
          onAttached={reload}
        />
      )}
    </Card>
  );
};
