import { useCallback, useEffect, useState } from 'react';
import { errorText, type ErrorText } from '../api/error-text';

/** State of data loaded from the API. */
export interface AsyncState<T> {
  data: T | null;
  error: ErrorText | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` now and whenever `deps` change or `reload` is called; keeps the last
 * data while reloading so tables don't flicker, and drops answers that arrive late.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ErrorText | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!current) return;
        setError(errorText(failure));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure each render; `deps` say when it means something new.
  }, [...deps, version]);

  return { data, error, loading, reload };
}
