// Runs one request for a button or form and keeps its error next to it.
import { useCallback, useState } from 'react';
import type { Result } from '../../../shared/result';

export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T>(call: () => Promise<Result<T>>): Promise<T | null> => {
    setBusy(true);
    setError(null);
    try {
      const r = await call();
      if (r.ok) return r.value;
      setError(r.error.message);
      return null;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return null;
    } finally {
      setBusy(false);
    }
  }, []);
  return { error, busy, run, setError };
}
