import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** Shown when a page fails to load (e.g. a chunk from an older deployment) or throws. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : 'Unknown error';
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-3 p-6" role="alert">
      <h1 className="text-xl font-bold">Something went wrong</h1>
      <p className="text-sm break-words text-slate-700">{message}</p>
      <div className="flex gap-3">
        <button type="button" className="btn" onClick={() => window.location.reload()}>
          Reload
        </button>
        <Link to="/" className="btn">
          Overview
        </Link>
      </div>
    </main>
  );
}
