import { Alert, Checkbox, Form, Input, Typography } from 'antd';
import { useId, useMemo, useState } from 'react';
import { useSession } from '../../session/session-context';
import { LOGON_MASK_LIMIT, LOGON_MASK_MAX_CHARACTERS, parseMasks } from './logon-masks';
import { SettingsDrawer } from './settings-drawer';
import { useSavePreference } from './use-save-preference';

/**
 * One text area of masks, parsed as typed by the server's own parser. Masks that leave out this
 * session's address would end it and refuse sign-in from here: saving them takes an explicit tick,
 * which the server wants too (`AcknowledgeConsoleLockout`).
 */
export const LogonMaskDrawer = ({
  masks,
  onClose,
  onSaved,
}: {
  readonly masks: readonly string[];
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) => {
  const session = useSession();
  const ip = session.ClientIp;
  const textId = useId();
  const [text, setText] = useState(masks.join('; '));
  const [acknowledged, setAcknowledged] = useState(false);
  const draft = useMemo(() => parseMasks(text, ip), [text, ip]);
  const { busy, error, save } = useSavePreference(onSaved);
  const blocked =
    draft.errors.length > 0 || draft.tooMany || draft.tooLong || (draft.excludes && !acknowledged);
  const submit = () =>
    save({
      LoginNetworkMasks: draft.stored,
      ...(draft.excludes ? { AcknowledgeConsoleLockout: 'true' } : {}),
    });

  return (
    <SettingsDrawer
      title="Modify logon mask"
      onClose={onClose}
      onOk={() => void submit()}
      okDisabled={blocked}
      busy={busy}
      error={error}
    >
      <Typography.Paragraph>
        Console sign-in and every console request must come from one of these networks; a request from
        elsewhere ends its session. AccessKey calls are never checked against them: the network ACL does that.
        Leave the box empty to allow any network.
      </Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item
          label="Logon masks"
          htmlFor={textId}
          extra="Addresses or CIDR blocks, IPv4 or IPv6, separated by semicolons, spaces or commas."
        >
          <Input.TextArea
            id={textId}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setAcknowledged(false);
            }}
            autoSize={{ minRows: 4, maxRows: 12 }}
            spellCheck={false}
            placeholder="203.0.113.0/24; 2001:db8::/32"
          />
        </Form.Item>
      </Form>
      <Typography.Paragraph type={draft.tooMany || draft.tooLong ? 'danger' : undefined} aria-live="polite">
        {draft.masks.length} / {LOGON_MASK_LIMIT} masks, {draft.stored.length} / {LOGON_MASK_MAX_CHARACTERS}{' '}
        characters
      </Typography.Paragraph>
      {draft.errors.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={
            draft.errors.length === 1
              ? 'This mask is not valid'
              : `${draft.errors.length} masks are not valid`
          }
          description={
            <ul className="kf-plain-list">
              {draft.errors.map((problem, index) => (
                // Inputs may repeat; their position tells them apart.
                // biome-ignore lint/suspicious/noArrayIndexKey: the list is rebuilt from the text on every change.
                <li key={`${index}-${problem.input}`}>
                  {problem.message} <Typography.Text code>{problem.code}</Typography.Text>
                </li>
              ))}
            </ul>
          }
        />
      )}
      {draft.notes.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title="Saved with changes"
          description={
            <ul className="kf-plain-list">
              {draft.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          }
        />
      )}
      {draft.excludes ? (
        <Alert
          type="error"
          showIcon
          title={`These masks do not include your address, ${ip}`}
          description={
            <>
              <Typography.Paragraph>
                Saving them ends this session, and the console refuses sign-in from {ip}. To undo it from the
                host:{' '}
                <Typography.Text code>
                  keyfence security reset-logon-mask --account {session.AccountId}
                </Typography.Text>
              </Typography.Paragraph>
              <Checkbox checked={acknowledged} onChange={(event) => setAcknowledged(event.target.checked)}>
                I will lose console access from {ip}
              </Checkbox>
            </>
          }
        />
      ) : (
        draft.masks.length > 0 && (
          <Alert type="success" showIcon title={`Your address, ${ip}, is inside these masks.`} />
        )
      )}
    </SettingsDrawer>
  );
};
