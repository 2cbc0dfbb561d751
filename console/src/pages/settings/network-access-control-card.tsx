import { Card, Col, Row } from 'antd';
import { AccessKeyPolicyRow } from './access-key-policy-row';
import { CardTitle } from './card-title';
import { LogonMaskRow } from './logon-mask-row';

/**
 * The two network controls side by side on purpose: each guards what the other does not, and an
 * administrator locked out of one recovers through the other.
 */
export const NetworkAccessControlCard = ({
  masks,
  onSaved,
}: {
  readonly masks: readonly string[];
  readonly onSaved: () => void;
}) => (
  <Card title={<CardTitle>Network Access Control</CardTitle>}>
    <Row gutter={[32, 16]}>
      <Col xs={24} lg={12}>
        <AccessKeyPolicyRow />
      </Col>
      <Col xs={24} lg={12}>
        <LogonMaskRow masks={masks} onSaved={onSaved} />
      </Col>
    </Row>
  </Card>
);
