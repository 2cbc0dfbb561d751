import { lazy, type ReactNode, Suspense, useCallback, useMemo, useState } from 'react';
import type { PanelRequest } from './policy-scope';
import { PolicyPanelContext } from './use-policy-panel';

const PolicyPanel = lazy(() => import('./policy-panel'));

export const PolicyPanelProvider = ({ children }: { readonly children: ReactNode }) => {
  const [request, setRequest] = useState<PanelRequest | undefined>(undefined);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const close = useCallback(() => {
    setRequest(undefined);
    setDraft(undefined);
  }, []);
  const value = useMemo(
    () => ({ open: setRequest, close, draft, setDraft, request }),
    [close, draft, request],
  );
  return (
    <PolicyPanelContext.Provider value={value}>
      {children}
      {request !== undefined && (
        <Suspense fallback={null}>
          <PolicyPanel request={request} onClose={close} />
        </Suspense>
      )}
    </PolicyPanelContext.Provider>
  );
};
