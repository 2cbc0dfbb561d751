import type { AccessKeyPolicy } from '@keyfence/policy/policy-document.js';
import { isVpcId } from '@keyfence/policy/vpc-id.js';
import { Alert, Button, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { addressProblem, type DraftCheck, evaluateDraft } from './evaluate-draft';
import type { PolicyScope } from './policy-scope';

interface DraftCheckIpProps {
  readonly scope: PolicyScope;
  readonly draft: AccessKeyPolicy;
  readonly accountPolicy: AccessKeyPolicy | null;
}

const SCOPE_NAMES = {
  accessKey: 'the key-level policy',
  account: 'the account-level policy',
  none: 'no policy',
};

function describe(check: DraftCheck, ip: string): string {
  const { decision, policy, entry } = check;
  const verdict = decision.allowed ? 'Allowed' : 'Denied';
  const by = `${verdict} (${decision.reason}) by ${SCOPE_NAMES[decision.scope]}`;
  if (policy === null || decision.statement < 0) return `${by}.`;
  const matched = entry < 0 ? '' : `, entry ${policy.Statements[decision.statement]!.IPList[entry]}`;
  return `${by}: statement ${decision.statement}${matched} matches ${ip}.`;
}

/** Check an IP against the draft as typed, in the browser, with the server's own decision code. */
export const DraftCheckIp = ({ scope, draft, accountPolicy }: DraftCheckIpProps) => {
  const [ip, setIp] = useState('');
  const [vpcId, setVpcId] = useState('');
  const [checked, setChecked] = useState<{ ip: string; vpcId: string } | undefined>(undefined);
  let result: { type: 'success' | 'error' | 'warning'; text: string } | undefined;
  if (checked !== undefined) {
    const problem = addressProblem(checked.ip);
    if (problem !== undefined) result = { type: 'warning', text: problem };
    else if (checked.vpcId !== '' && !isVpcId(checked.vpcId))
      result = { type: 'warning', text: `${JSON.stringify(checked.vpcId)} is not a VPC ID` };
    else {
      // Re-evaluated on every render: the result follows the draft as it is edited.
      const check = evaluateDraft(scope, draft, accountPolicy, checked.ip, checked.vpcId);
      result = { type: check.decision.allowed ? 'success' : 'error', text: describe(check, checked.ip) };
    }
  }
  return (
    <section aria-labelledby="kf-draft-check">
      <Typography.Title level={4} id="kf-draft-check">
        Check an IP against this draft
      </Typography.Title>
      <Space wrap>
        <Input
          aria-label="Source IP to check"
          placeholder="198.51.100.7"
          value={ip}
          onChange={(e) => setIp(e.target.value)}
          onPressEnter={() => setChecked({ ip: ip.trim(), vpcId: vpcId.trim() })}
          style={{ width: 220 }}
        />
        <Input
          aria-label="VPC ID to check (optional)"
          placeholder="VPC ID (optional)"
          value={vpcId}
          onChange={(e) => setVpcId(e.target.value)}
          style={{ width: 220 }}
        />
        <Button onClick={() => setChecked({ ip: ip.trim(), vpcId: vpcId.trim() })}>Check</Button>
      </Space>
      {result !== undefined && (
        <Alert style={{ marginTop: 8 }} type={result.type} showIcon title={result.text} role="status" />
      )}
    </section>
  );
};
