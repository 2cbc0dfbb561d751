import { App } from 'antd';
import { useCallback } from 'react';
import { ConsoleApiError } from '../api/console-api-error';
import { callAction } from '../api/console-client';
import type { AccessKeyOwner, AccessKeyRow } from './access-key-types';

/**
 * Disabling or enabling a key, always after a confirmation (a disabled key fails every call signed
 * with it). Shared by the Status switch and the Disable / Enable action.
 */
export const useAccessKeyStatusChange = (owner: AccessKeyOwner, onChanged: () => void) => {
  const { modal, message } = App.useApp();
  return useCallback(
    (key: AccessKeyRow) => {
      const disable = key.Status === 'Active';
      modal.confirm({
        title: `${disable ? 'Disable' : 'Enable'} AccessKey ${key.AccessKeyId}?`,
        content: disable
          ? 'Every call signed with this AccessKey will fail until it is enabled again.'
          : 'Calls signed with this AccessKey will be accepted again (its network ACL still applies).',
        okText: disable ? 'Disable' : 'Enable',
        okButtonProps: { danger: disable },
        onOk: async () => {
          try {
            await callAction('Ims', 'UpdateAccessKey', {
              UserAccessKeyId: key.AccessKeyId,
              UserPrincipalName: owner.principalName,
              Status: disable ? 'Inactive' : 'Active',
            });
            message.success(`AccessKey ${key.AccessKeyId} ${disable ? 'disabled' : 'enabled'}.`);
            onChanged();
          } catch (error) {
            message.error(error instanceof ConsoleApiError ? error.message : String(error));
          }
        },
      });
    },
    [modal, message, owner.principalName, onChanged],
  );
};
