import { useEffect, useRef } from 'react';
import type { OperationContext } from 'urql';

type Refetch = (opts?: Partial<OperationContext>) => void;

/**
 * Refetches a query from the network when `signal` changes after the first render (a snapshot,
 * a live update), at most once per `delayMs`: a steady stream of updates still refetches.
 */
export function useRefetchOn(signal: unknown, refetch: Refetch, delayMs = 0): void {
  const latestRefetch = useRef(refetch);
  const seen = useRef(signal);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    latestRefetch.current = refetch;
  }, [refetch]);

  useEffect(() => {
    if (Object.is(seen.current, signal)) return;
    seen.current = signal;
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      latestRefetch.current({ requestPolicy: 'network-only' });
    }, delayMs);
  }, [signal, delayMs]);

  useEffect(() => () => clearTimeout(timer.current), []);
}
