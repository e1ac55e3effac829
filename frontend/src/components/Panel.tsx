import { useId, type ReactNode } from 'react';

interface PanelProps {
  title: string;
  /** Right-aligned next to the title (a legend, a count). */
  aside?: ReactNode;
  children: ReactNode;
  className?: string;
}

/** A titled section of a page. */
export function Panel({ title, aside, children, className = '' }: PanelProps) {
  const id = useId();
  return (
    <section aria-labelledby={id} className={`min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm ${className}`}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {aside}
      </div>
      {children}
    </section>
  );
}
