import { useEffect, useState } from 'react';

/** The current time in milliseconds, refreshed every `everyMs` (for "due in 5 h" texts). */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
