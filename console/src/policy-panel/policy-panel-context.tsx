import {
  createContext,
  lazy,
  type ReactNode,
  Suspense,
  useCallback,
  useContext,
  useMemo,
  useState,
} from 'react';
import type { PanelRequest } from './policy-scope';

const PolicyPanel = lazy(() => import('./policy-panel'));

interface PolicyPanelContextValue {
  /** Opens the Network Access Control drawer; any page may (Users, Check an IP's Fix, Recommend…). */
  readonly open: (request: PanelRequest) => void;
  readonly close: () => void;
  /** The open panel's draft document (JSON) as typed, or undefined: what "covered by the draft" uses. */
  readonly draft: string | undefined;
  readonly setDraft: (draft: string | undefined) => void;
  readonly request: PanelRequest | undefined;
}

const PolicyPanelContext = createContext<PolicyPanelContextValue | undefined>(undefined);

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

export const usePolicyPanel = (): PolicyPanelContextValue => {
  const value = useContext(PolicyPanelContext);
  if (value === undefined) throw new Error('usePolicyPanel outside PolicyPanelProvider');
  return value;
};
