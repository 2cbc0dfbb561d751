import { useState } from 'react';
import { ConsoleApiError } from '../../api/console-api-error';
import { type ActionParams, callAction } from '../../api/console-client';

/** SetSecurityPreference with only the fields a card changes; the others keep their values. */
export const useSavePreference = (onSaved: () => void) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const save = async (params: ActionParams) => {
    setBusy(true);
    setError(undefined);
    try {
      await callAction('Ims', 'SetSecurityPreference', params);
      onSaved();
    } catch (caught) {
      setError(
        caught instanceof ConsoleApiError ? caught.message : 'The console could not be reached: try again.',
      );
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, save };
};
