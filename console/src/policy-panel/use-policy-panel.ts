import { createContext, useContext } from 'react';
import type { PanelRequest } from './policy-scope';

export interface PolicyPanelContextValue {
  /** Opens the Network Access Control drawer; any page may (Users, Check an IP's Fix, Recommend…). */
  readonly open: (request: PanelRequest) => void;
  readonly close: () => void;
  /** The open panel's draft document (JSON) as typed, or undefined: what "covered by the draft" uses. */
  readonly draft: string | undefined;
  readonly setDraft: (draft: string | undefined) => void;
  readonly request: PanelRequest | undefined;
}

/**
 * Apart from the provider, which loads the panel: the panel itself uses this hook, and importing
 * the provider from inside the panel would close a circle.
 */
export const PolicyPanelContext = createContext<PolicyPanelContextValue | undefined>(undefined);

export const usePolicyPanel = (): PolicyPanelContextValue => {
  const value = useContext(PolicyPanelContext);
  if (value === undefined) throw new Error('usePolicyPanel outside PolicyPanelProvider');
  return value;
};
