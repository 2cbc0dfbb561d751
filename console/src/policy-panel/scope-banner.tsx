import { isNeverSet } from '@keyfence/policy/no-policy.js';
import type { PolicyStatus } from '@keyfence/policy/policy-document.js';
import { Alert, Collapse, Typography } from 'antd';
import { count } from './format';
import type { PolicyScope } from './policy-scope';
import type { GovernedKeys } from './use-governed-keys';
import type { StoredPolicy } from './use-panel-data';

interface ScopeBannerProps {
  readonly scope: PolicyScope;
  readonly stored: StoredPolicy;
  readonly account: StoredPolicy | undefined;
  readonly governed: GovernedKeys | undefined;
  readonly draftStatus: PolicyStatus;
}

const statusOf = (policy: StoredPolicy | undefined): PolicyStatus | undefined =>
  policy === undefined || isNeverSet(policy.AccessKeyPolicy)
    ? undefined
    : (JSON.parse(policy.AccessKeyPolicy) as { Status: PolicyStatus }).Status;

const statusName = (status: PolicyStatus | undefined): string =>
  status === 'Active' ? 'Enabled' : status === 'Inactive' ? 'Disabled' : 'Not configured';

/** The account-level document, read-only, for comparison at key level. */
const AccountStatements = ({ account }: { readonly account: StoredPolicy }) => (
  <Collapse
    size="small"
    items={[
      {
        key: 'account',
        label: 'Account-level statements (read-only)',
        children: (
          <pre className="kf-json" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
            {isNeverSet(account.AccessKeyPolicy)
              ? 'No account-level policy.'
              : JSON.stringify(JSON.parse(account.AccessKeyPolicy), null, 2)}
          </pre>
        ),
      },
    ]}
  />
);

/** Which keys the scope's policy governs now, and after Submit (DESIGN: key over account). */
export const ScopeBanner = ({ scope, stored, account, governed, draftStatus }: ScopeBannerProps) => {
  if (scope.kind === 'accessKey') {
    const own = statusOf(stored);
    const accountStatus = statusOf(account);
    const now =
      own === 'Active'
        ? 'An Active key-level policy replaces the account-level policy for this key.'
        : `This key currently follows the account-level policy (${statusName(accountStatus)}${
            account === undefined || accountStatus === undefined ? '' : `, v${account.PolicyVersion}`
          }).`;
    const after =
      draftStatus === 'Active'
        ? 'After Submit: this key-level policy replaces the account-level policy for this key.'
        : 'After Submit: the key-level policy is Disabled, so the account-level policy applies to this key.';
    return (
      <Alert
        type="info"
        title={now}
        description={
          <>
            <Typography.Paragraph style={{ marginBottom: 8 }}>{after}</Typography.Paragraph>
            {account !== undefined && <AccountStatements account={account} />}
          </>
        }
      />
    );
  }
  if (governed === undefined) {
    return (
      <Alert
        type="info"
        title="Applies to every permanent AccessKey of the account without an Active key-level policy."
      />
    );
  }
  const exceptions = governed.keys.filter((k) => k.ownPolicyActive);
  const total = governed.keys.length;
  const applies = total - exceptions.length;
  const atLeast = governed.partial ? 'at least ' : '';
  return (
    <Alert
      type="info"
      title={
        `Applies to ${atLeast}${count(applies)} of ${count(total)} permanent keys` +
        (exceptions.length === 0
          ? '.'
          : `; ${count(exceptions.length)} ${exceptions.length === 1 ? 'key has' : 'keys have'} an Active key-level policy and ${exceptions.length === 1 ? 'is' : 'are'} not affected.`)
      }
      description={
        exceptions.length === 0 ? undefined : (
          <ul style={{ margin: 0 }} aria-label="Keys with an Active key-level policy">
            {exceptions.map((k) => (
              <li key={k.accessKeyId}>
                {k.accessKeyId}
                {k.userName === undefined ? ' (root)' : ` (${k.userName})`}
              </li>
            ))}
          </ul>
        )
      }
    />
  );
};
