import { Form, InputNumber } from 'antd';
import { useSession } from '../../session/session-context';
import type { SecurityPreference } from './security-preference';
import { SettingsDrawer } from './settings-drawer';
import { useSavePreference } from './use-save-preference';

interface KeyFenceFields {
  readonly accessKeyRotationDays: number;
  readonly impactPreviewDays: number;
}

/** The largest rotation threshold the server takes: ten years. */
const MAX_ROTATION_DAYS = 3650;

export const KeyFenceDrawer = ({
  preference,
  onClose,
  onSaved,
}: {
  readonly preference: SecurityPreference;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}) => {
  const retention = useSession().RetentionDays;
  const [form] = Form.useForm<KeyFenceFields>();
  const { busy, error, save } = useSavePreference(onSaved);
  const submit = (fields: KeyFenceFields) =>
    save({
      AccessKeyRotationDays: String(fields.accessKeyRotationDays),
      ImpactPreviewDays: String(fields.impactPreviewDays),
    });
  return (
    <SettingsDrawer
      title="Modify KeyFence settings"
      onClose={onClose}
      onOk={() => form.submit()}
      busy={busy}
      error={error}
    >
      <Form<KeyFenceFields>
        form={form}
        layout="vertical"
        initialValues={preference}
        onFinish={(fields) => void submit(fields)}
        disabled={busy}
      >
        <Form.Item
          label="Rotation recommended after (days)"
          name="accessKeyRotationDays"
          extra="AccessKeys older than this get a Rotation Recommended tag."
          rules={[
            {
              required: true,
              type: 'integer',
              min: 1,
              max: MAX_ROTATION_DAYS,
              message: `Enter a whole number of days from 1 to ${MAX_ROTATION_DAYS}.`,
            },
          ]}
        >
          <InputNumber min={1} max={MAX_ROTATION_DAYS} precision={0} />
        </Form.Item>
        <Form.Item
          label="Default impact preview window (days)"
          name="impactPreviewDays"
          extra={`The traffic a policy change is checked against before you confirm it; at most the audit retention, ${retention} days.`}
          rules={[
            {
              required: true,
              type: 'integer',
              min: 1,
              max: retention,
              message: `Enter a whole number of days from 1 to ${retention}.`,
            },
          ]}
        >
          <InputNumber min={1} max={retention} precision={0} />
        </Form.Item>
      </Form>
    </SettingsDrawer>
  );
};
