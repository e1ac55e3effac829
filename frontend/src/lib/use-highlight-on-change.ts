import { useEffect, useRef } from 'react';

/** Flashes the referenced element's background when `version` changes (not on first render). */
export function useHighlightOnChange<T extends HTMLElement>(version: number | undefined) {
  const ref = useRef<T>(null);
  const previous = useRef(version);
  useEffect(() => {
    if (previous.current === version) return;
    previous.current = version;
    ref.current?.animate([{ backgroundColor: 'rgb(254 240 138)' }, { backgroundColor: 'transparent' }], {
      duration: 1500,
      easing: 'ease-out',
    });
  }, [version]);
  return ref;
}
