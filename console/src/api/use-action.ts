import { useCallback, useEffect, useState } from 'react';
import { ConsoleApiError } from './console-api-error';
import { type ActionParams, callAction, type Product } from './console-client';

export interface ActionState<T> {
  readonly data: T | undefined;
  readonly error: ConsoleApiError | undefined;
  readonly loading: boolean;
  /** Calls again with the same parameters (after a change, say). */
  readonly reload: () => void;
}

/**
 * Calls a read action when the component mounts and whenever its parameters change; `params`
 * null waits (a required input not chosen yet). The key is the parameters' JSON, so a caller may
 * pass a fresh object each render.
 */
export const useAction = <T = Record<string, unknown>>(
  product: Product,
  action: string,
  params: ActionParams | null,
): ActionState<T> => {
  const key = params === null ? null : JSON.stringify(params);
  const [state, setState] = useState<{ data?: T; error?: ConsoleApiError; loading: boolean }>({
    loading: key !== null,
  });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `params`; `generation` forces a reload.
  useEffect(() => {
    if (key === null) {
      setState({ loading: false });
      return;
    }
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    callAction<T>(product, action, JSON.parse(key) as ActionParams).then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) =>
        current &&
        setState({
          error: error instanceof ConsoleApiError ? error : new ConsoleApiError(0, {}),
          loading: false,
        }),
    );
    return () => {
      current = false;
    };
  }, [product, action, key, generation]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
};
