import { Alert, Button } from 'antd';
import { useNavigate } from 'react-router';
import type { PolicyScope } from './policy-scope';

interface PanelNotesProps {
  readonly scope: PolicyScope;
  readonly exemptServices: readonly string[];
  /** The audit page opens beside the panel: the drawer stops covering the page. */
  readonly onSplitView: () => void;
}

/** The seed's notes: exempt services (the deployment's), the audit log first, STS never restricted. */
export const PanelNotes = ({ scope, exemptServices, onSplitView }: PanelNotesProps) => {
  const navigate = useNavigate();
  const audit = () => {
    onSplitView();
    navigate(
      scope.kind === 'accessKey'
        ? `/actiontrail/accesskey-audit?ak=${encodeURIComponent(scope.accessKeyId)}`
        : '/actiontrail/accesskey-audit',
    );
  };
  return (
    <Alert
      type="info"
      showIcon
      title={
        exemptServices.length === 0
          ? 'The network ACL applies to every service of this deployment.'
          : `The network ACL does not apply to these services: ${exemptServices.join(', ')}.`
      }
      description={
        <>
          Before you create an ACL, check the historical source IP addresses in the AccessKey audit logs:{' '}
          <Button type="link" size="small" style={{ padding: 0 }} onClick={audit}>
            AccessKey Audit
          </Button>
          . Applies to permanent AccessKeys only; STS credentials are never restricted.
        </>
      }
    />
  );
};
