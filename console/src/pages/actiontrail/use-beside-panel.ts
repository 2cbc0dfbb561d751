import { type CSSProperties, type RefObject, useLayoutEffect, useRef, useState } from 'react';
import { usePolicyPanel } from '../../policy-panel/use-policy-panel';

/** The Network Access Control drawer's width (policy-panel/panel-editor.tsx). */
const PANEL_WIDTH = 720;
const GAP = 16;

/**
 * While a panel is open, a page that works with its draft (AccessKey Audit's coverage, Check an
 * IP's "the draft open in a panel") keeps to the part of the window the drawer leaves uncovered,
 * so what it says about the draft stays in sight and in reach beside it.
 */
export function useBesidePanel(): {
  readonly ref: RefObject<HTMLDivElement | null>;
  readonly beside: boolean;
  readonly style: CSSProperties | undefined;
} {
  const beside = usePolicyPanel().request !== undefined;
  const ref = useRef<HTMLDivElement>(null);
  const [left, setLeft] = useState(0);
  useLayoutEffect(() => {
    if (!beside) return;
    const measure = () => setLeft(ref.current?.getBoundingClientRect().left ?? 0);
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [beside]);
  return {
    ref,
    beside,
    style: beside ? { maxWidth: `calc(100vw - ${PANEL_WIDTH + GAP + left}px)`, minWidth: 280 } : undefined,
  };
}
