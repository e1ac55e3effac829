import { renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useRefetchOn } from './use-refetch-on';

describe('useRefetchOn', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('does not refetch on the first render', () => {
    const refetch = vi.fn();
    renderHook(() => useRefetchOn(1, refetch));
    vi.runAllTimers();
    expect(refetch).not.toHaveBeenCalled();
  });

  it('refetches from the network when the signal changes', () => {
    const refetch = vi.fn();
    const { rerender } = renderHook(({ signal }) => useRefetchOn(signal, refetch), { initialProps: { signal: 1 } });
    rerender({ signal: 2 });
    vi.runAllTimers();
    expect(refetch).toHaveBeenCalledExactlyOnceWith({ requestPolicy: 'network-only' });
  });

  it('refetches at most once per delay under a stream of changes, with the latest refetch', () => {
    const first = vi.fn();
    const latest = vi.fn();
    const { rerender } = renderHook(({ signal, refetch }) => useRefetchOn(signal, refetch, 1000), {
      initialProps: { signal: 1, refetch: first },
    });
    rerender({ signal: 2, refetch: first });
    vi.advanceTimersByTime(500);
    rerender({ signal: 3, refetch: latest });
    vi.advanceTimersByTime(500);
    expect(first).not.toHaveBeenCalled();
    expect(latest).toHaveBeenCalledOnce();
    rerender({ signal: 4, refetch: latest });
    vi.advanceTimersByTime(1000);
    expect(latest).toHaveBeenCalledTimes(2);
  });
});
