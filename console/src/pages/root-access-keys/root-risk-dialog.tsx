import { Alert, Button, Checkbox, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ConsoleApiError } from '../../api/console-api-error';
import { acknowledgeRootAccessKeys } from '../../api/console-client';
import { useSessionContext } from '../../session/session-context';

/**
 * The seed's warning before root AccessKey Management. Acknowledging lasts for the session and is
 * audited by the server; the other way out leads to RAM users.
 */
export const RootRiskDialog = () => {
  const { signedIn } = useSessionContext();
  const navigate = useNavigate();
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const acknowledge = async () => {
    setBusy(true);
    setError(undefined);
    try {
      signedIn(await acknowledgeRootAccessKeys());
    } catch (caught) {
      setError(caught instanceof ConsoleApiError ? `${caught.code}: ${caught.message}` : String(caught));
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title="We do not recommend using the AccessKey pair of the root identity"
      closable={false}
      keyboard={false}
      mask={{ closable: false }}
      width={600}
      footer={
        <Space>
          <Button type="primary" onClick={() => navigate('/users')}>
            Use AccessKey Pair of RAM User
          </Button>
          <Button disabled={!understood} loading={busy} onClick={acknowledge}>
            Use the AccessKey Pair of the Root Identity
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>
          The AccessKey pair of the root identity has full permissions on every resource of this account, and
          they cannot be limited. If it leaks, everything in the account is exposed.
        </Typography.Paragraph>
        <Typography.Paragraph>
          Create a RAM user for each application instead, grant it only the permissions it needs, and use its
          AccessKey pair. Restrict where any AccessKey may be used from with a network ACL.
        </Typography.Paragraph>
        <Checkbox checked={understood} onChange={(event) => setUnderstood(event.target.checked)}>
          I understand the risks of using the AccessKey pair of the root identity
        </Checkbox>
        {error !== undefined && <Alert type="error" showIcon title={error} />}
      </Space>
    </Modal>
  );
};
