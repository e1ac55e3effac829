import { Link } from 'react-router';
import { FlagChips } from '@/components/FlagChips';
import { Rate } from '@/components/Rate';
import { RiskBadge } from '@/components/RiskBadge';
import type { TutorSortField, TutorsQuery } from '@/gql/graphql';
import { formatDateTime, formatScore } from '@/lib/format';
import { scoreWindow, type TutorScore } from '@/lib/score';
import { useHighlightOnChange } from '@/lib/use-highlight-on-change';
import type { TableState } from '../table-state';

type Tutor = TutorsQuery['tutors']['edges'][number]['node'];

interface Thresholds {
  rescheduleThreshold: number;
  noShowThreshold: number;
}

interface TutorsTableProps {
  rows: readonly { tutor: Tutor; score: TutorScore | null }[];
  thresholds: Thresholds;
  state: TableState;
  onSort: (field: TutorSortField) => void;
  busy: boolean;
}

export function TutorsTable({ rows, thresholds, state, onSort, busy }: TutorsTableProps) {
  const sortHeader = (field: TutorSortField, label: string, fullLabel = label) => (
    <SortHeader field={field} label={label} fullLabel={fullLabel} state={state} onSort={onSort} />
  );
  return (
    // `relative` keeps the cells' visually hidden text inside the scrolling box.
    <div
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
      tabIndex={0}
      aria-label="Tutors table, scrolls sideways"
    >
      <table className="w-full text-left text-sm" aria-busy={busy}>
        <thead className="bg-slate-100 text-xs text-slate-700">
          <tr>
            {sortHeader('NAME', 'Tutor')}
            {sortHeader('RISK_LEVEL', 'Risk')}
            {sortHeader('QUALITY_SCORE', 'Quality score')}
            <th scope="colgroup" colSpan={3} className="px-3 pt-2 text-center font-semibold">
              Tutor reschedule rate
            </th>
            {sortHeader('NO_SHOW_RATE_30D', 'No-shows 30 d', 'No-show rate, 30 days')}
            {sortHeader('SESSIONS_30D', 'Sessions 30 d', 'Sessions, 30 days')}
            <th scope="col" rowSpan={2} className="px-3 py-2 font-semibold">
              Flags
            </th>
            {sortHeader('COMPUTED_AT', 'Updated', 'Last updated')}
          </tr>
          <tr>
            {sortHeader('RESCHEDULE_RATE_7D', '7 d', 'Reschedule rate, 7 days')}
            {sortHeader('RESCHEDULE_RATE_30D', '30 d', 'Reschedule rate, 30 days')}
            {sortHeader('RESCHEDULE_RATE_90D', '90 d', 'Reschedule rate, 90 days')}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ tutor, score }) => (
            <TutorRow key={tutor.id} tutor={tutor} score={score} thresholds={thresholds} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface SortHeaderProps {
  field: TutorSortField;
  label: string;
  /** The button's accessible name when `label` is short. */
  fullLabel: string;
  state: TableState;
  onSort: (field: TutorSortField) => void;
}

/** A column header that sorts by its column; the three window columns sit under a group header. */
function SortHeader({ field, label, fullLabel, state, onSort }: SortHeaderProps) {
  const active = state.sort === field;
  const grouped = field.startsWith('RESCHEDULE_RATE_');
  return (
    <th
      scope="col"
      rowSpan={grouped ? 1 : 2}
      className="px-3 py-2 font-semibold whitespace-nowrap"
      aria-sort={active ? (state.direction === 'ASC' ? 'ascending' : 'descending') : undefined}
    >
      <button
        type="button"
        onClick={() => onSort(field)}
        aria-label={`Sort by ${fullLabel}`}
        className="inline-flex items-center gap-1 rounded hover:text-slate-950"
      >
        {label}
        <span aria-hidden="true" className={active ? '' : 'text-slate-400'}>
          {active ? (state.direction === 'ASC' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

function TutorRow({ tutor, score, thresholds }: { tutor: Tutor; score: TutorScore | null; thresholds: Thresholds }) {
  const ref = useHighlightOnChange<HTMLTableRowElement>(score?.version);
  const month = scoreWindow(score, 30);
  const reschedules = (days: number) => {
    const window = scoreWindow(score, days);
    return window ? (
      <Rate rate={window.rescheduleRate} threshold={thresholds.rescheduleThreshold} enoughData={window.enoughData} />
    ) : (
      '—'
    );
  };
  return (
    <tr ref={ref} className="border-t border-slate-200 align-top">
      <th scope="row" className="px-3 py-2 font-medium whitespace-nowrap">
        <Link to={`/tutors/${tutor.id}`} className="link">
          {tutor.name}
        </Link>
      </th>
      <td className="px-3 py-2">
        <RiskBadge level={score?.riskLevel ?? null} />
      </td>
      <td className="px-3 py-2 tabular-nums">{score ? formatScore(score.qualityScore) : '—'}</td>
      <td className="px-3 py-2 tabular-nums">{reschedules(7)}</td>
      <td className="px-3 py-2 tabular-nums">{reschedules(30)}</td>
      <td className="px-3 py-2 tabular-nums">{reschedules(90)}</td>
      <td className="px-3 py-2 tabular-nums">
        {month ? (
          <Rate rate={month.noShowRate} threshold={thresholds.noShowThreshold} enoughData={month.enoughData} />
        ) : (
          '—'
        )}
      </td>
      <td className="px-3 py-2 tabular-nums">{month?.sessions ?? '—'}</td>
      <td className="min-w-48 px-3 py-2">
        <FlagChips flags={score?.flags ?? []} />
      </td>
      <td className="px-3 py-2 whitespace-nowrap text-slate-700">{score ? formatDateTime(score.computedAt) : '—'}</td>
    </tr>
  );
}
