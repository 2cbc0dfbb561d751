import { useEffect, useRef } from 'react';
import { usePolicyPanel } from '../../policy-panel/use-policy-panel';

/** Reads again once the Network Access Control panel closes: a Submit there changed what is shown. */
export const useReloadWhenPanelCloses = (reload: () => void): void => {
  const { request } = usePolicyPanel();
  const wasOpen = useRef(false);
  useEffect(() => {
    if (request !== undefined) wasOpen.current = true;
    else if (wasOpen.current) {
      wasOpen.current = false;
      reload();
    }
  }, [request, reload]);
};
