import { useEffect, useRef } from 'react';

/** Calls `tick` every `ms` while the page is visible, and at once when it becomes visible again. */
export const useVisibleInterval = (tick: () => void, ms: number): void => {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      if (timer !== undefined || document.visibilityState !== 'visible') return;
      latest.current();
      timer = setInterval(() => latest.current(), ms);
    };
    const stop = () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    };
    const onChange = () => (document.visibilityState === 'visible' ? start() : stop());
    start();
    document.addEventListener('visibilitychange', onChange);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onChange);
    };
  }, [ms]);
};
