// What a panel shows when its data failed to load or is empty.
import type { ReactNode } from 'react';

interface ErrorStateProps {
  title?: string;
  error: Error;
  onRetry: () => void;
}

export function ErrorState({ title = 'Could not load this', error, onRetry }: ErrorStateProps) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-semibold">{title}</p>
      <p className="mt-1 break-words">{error.message}</p>
      <button type="button" onClick={onRetry} className="btn mt-3">
        Retry
      </button>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
      <p className="font-semibold text-slate-800">{title}</p>
      {children && <div className="mt-1">{children}</div>}
    </div>
  );
}
