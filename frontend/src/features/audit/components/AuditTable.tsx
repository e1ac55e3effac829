import { Fragment, useId, useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '@/lib/format';
import type { AuditEdge, AuditEntry } from '../api/audit-events';
import { changedFields, hasStates, prettyJson } from '../audit-diff';
import { actionLabel, actorKindLabel, subjectHref, subjectTypeLabel, tutorHref } from '../audit-text';

const HEADINGS = ['When', 'Who', 'Action', 'Subject', 'Note'] as const;
/** The headings and the changes button's column. */
const COLUMNS = HEADINGS.length + 1;

/** The entries, newest first; a row with a before or after opens onto what it changed. */
export function AuditTable({ edges, busy }: { edges: readonly AuditEdge[]; busy: boolean }) {
  return (
    // `relative` keeps the cells' visually hidden text inside the scrolling box.
    <div
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
      tabIndex={0}
      aria-label="Audit trail table, scrolls sideways"
    >
      <table className="w-full text-left text-sm" aria-busy={busy}>
        <caption className="sr-only">Audit trail, newest first</caption>
        <thead className="bg-slate-100 text-xs text-slate-700">
          <tr>
            {HEADINGS.map((heading) => (
              <th key={heading} scope="col" className="px-3 py-2 font-semibold">
                {heading}
              </th>
            ))}
            <th scope="col" className="px-3 py-2 font-semibold">
              <span className="sr-only">Changes</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {edges.map(({ node }) => (
            <AuditRow key={node.id} entry={node} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const detailId = useId();
  const label = actionLabel(entry.action);
  const subject = subjectHref(entry);
  const tutor = tutorHref(entry);
  const subjectText = (
    <>
      {subjectTypeLabel(entry.subjectType)}
      {entry.subjectId && (
        <>
          {' '}
          <code className="text-xs break-all">{entry.subjectId}</code>
        </>
      )}
    </>
  );
  return (
    <Fragment>
      <tr className="border-t border-slate-200 align-top" data-audit-id={entry.id} data-action={entry.action}>
        <td className="px-3 py-2 whitespace-nowrap text-slate-700">
          <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
        </td>
        <td className="min-w-40 px-3 py-2">
          <p className="font-medium break-all">{entry.actor?.name ?? entry.actorLabel}</p>
          <p className="text-xs text-slate-600">
            {entry.actor && <span className="break-all">{entry.actorLabel} · </span>}
            <span data-testid="actor-kind">{actorKindLabel[entry.actorKind]}</span>
          </p>
        </td>
        <td className="min-w-44 px-3 py-2">
          {label && <p className="font-medium">{label}</p>}
          <code className={label ? 'text-xs text-slate-600' : 'text-xs font-medium'}>{entry.action}</code>
        </td>
        <td className="min-w-56 px-3 py-2">
          <p>
            {subject ? (
              <Link to={subject} className="link">
                {subjectText}
              </Link>
            ) : (
              subjectText
            )}
          </p>
          {tutor && (
            <Link to={tutor} className="link text-xs">
              Tutor’s page
            </Link>
          )}
        </td>
        <td className="min-w-48 px-3 py-2 break-words whitespace-pre-wrap">{entry.note ?? <span className="text-slate-500">—</span>}</td>
        <td className="px-3 py-2 whitespace-nowrap">
          {hasStates(entry) ? (
            <button type="button" className="btn" aria-expanded={open} aria-controls={detailId} onClick={() => setOpen((o) => !o)}>
              {open ? 'Hide changes' : 'Show changes'}
            </button>
          ) : (
            <span className="text-slate-500">
              <span aria-hidden="true">—</span>
              <span className="sr-only">No before or after recorded</span>
            </span>
          )}
        </td>
      </tr>
      {open && (
        <tr id={detailId} className="bg-slate-50">
          <td colSpan={COLUMNS} className="px-3 py-3">
            <AuditChanges entry={entry} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** The changed fields, then the whole state before and after. */
export function AuditChanges({ entry }: { entry: Pick<AuditEntry, 'before' | 'after'> }) {
  const changes = changedFields(entry.before, entry.after);
  const before = prettyJson(entry.before);
  const after = prettyJson(entry.after);
  return (
    <div className="flex flex-col gap-3">
      {changes.length === 0 ? (
        <p className="text-sm text-slate-700">No field changed.</p>
      ) : (
        <table className="w-full max-w-3xl text-left text-sm">
          <caption className="mb-1 text-left text-xs font-semibold text-slate-700">Changed fields</caption>
          <thead className="text-xs text-slate-700">
            <tr>
              <th scope="col" className="py-1 pr-3 font-semibold">
                Field
              </th>
              <th scope="col" className="py-1 pr-3 font-semibold">
                Before
              </th>
              <th scope="col" className="py-1 font-semibold">
                After
              </th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.field} className="border-t border-slate-200 align-top">
                <th scope="row" className="py-1 pr-3 font-mono text-xs font-medium">
                  {change.field}
                </th>
                <td className="py-1 pr-3 break-all text-red-900">{change.before}</td>
                <td className="py-1 break-all text-emerald-900">{change.after}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="grid gap-3 md:grid-cols-2">
        <JsonFigure caption="Before" json={before} none="Nothing before (created here)" />
        <JsonFigure caption="After" json={after} none="Nothing after" />
      </div>
    </div>
  );
}

function JsonFigure({ caption, json, none }: { caption: string; json: string | null; none: string }) {
  const id = useId();
  return (
    <figure className="min-w-0" aria-labelledby={id}>
      <figcaption id={id} className="mb-1 text-xs font-semibold text-slate-700">
        {caption}
      </figcaption>
      {json === null ? (
        <p className="text-sm text-slate-600">{none}</p>
      ) : (
        <pre className="rounded border border-slate-200 bg-white p-2 text-xs break-all whitespace-pre-wrap">{json}</pre>
      )}
    </figure>
  );
}
