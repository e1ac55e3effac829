// "Export CSV" for a list. A signed-in person's cookie rides on a plain link; a key lives in
// local storage and cannot, so with a key the file is fetched with the header and handed to
// the browser as a download.
import { useState } from 'react';
import { authorization, readApiKey } from '@/lib/api-key';

interface ExportLinkProps {
  href: string;
  /** What is exported, for the accessible name: "Export these alerts as CSV". */
  what: string;
}

export function ExportLink({ href, what }: ExportLinkProps) {
  const [error, setError] = useState<string | null>(null);
  const download = async (event: React.MouseEvent) => {
    if (!readApiKey()) return; // the cookie does it
    event.preventDefault();
    try {
      const response = await fetch(href, { headers: authorization() });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv';
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      URL.revokeObjectURL(url);
      setError(null);
    } catch (e) {
      setError(`Could not export: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <a href={href} download onClick={download} className="btn" aria-label={`Export ${what} as CSV`} data-testid="export-csv">
        <span aria-hidden="true">↓</span> Export CSV
      </a>
      {error && (
        <span role="alert" className="text-xs text-red-900">
          {error}
        </span>
      )}
    </span>
  );
}
