import type { FlagCode, RiskLevel } from '@/gql/graphql';
import { flagCodes, flagLabel, riskLabel, riskLevels } from '@/lib/labels';
import { clearFilters, type TableState } from '../table-state';

interface TutorsFiltersProps {
  state: TableState;
  /** `replace` keeps typing in the search box from filling the history. */
  onChange: (next: TableState, replace?: boolean) => void;
}

export function TutorsFilters({ state, onChange }: TutorsFiltersProps) {
  const filtered = state.risk !== null || state.flag !== null || state.search !== '';
  return (
    <form role="search" onSubmit={(e) => e.preventDefault()} className="flex flex-wrap items-end gap-3">
      <label className="flex min-w-0 flex-1 basis-48 flex-col gap-1 text-sm font-medium">
        Search
        <input
          type="search"
          value={state.search}
          placeholder="Name, email or external id"
          onChange={(e) => onChange({ ...state, search: e.target.value, after: null }, true)}
          className="field"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Risk level
        <select
          value={state.risk ?? ''}
          onChange={(e) => onChange({ ...state, risk: (e.target.value || null) as RiskLevel | null, after: null })}
          className="field"
        >
          <option value="">All levels</option>
          {riskLevels.map((level) => (
            <option key={level} value={level}>
              {riskLabel[level]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Flag
        <select
          value={state.flag ?? ''}
          onChange={(e) => onChange({ ...state, flag: (e.target.value || null) as FlagCode | null, after: null })}
          className="field"
        >
          <option value="">Any or none</option>
          {flagCodes.map((code) => (
            <option key={code} value={code}>
              {flagLabel[code]}
            </option>
          ))}
        </select>
      </label>
      {filtered && (
        <button
          type="button"
          className="btn"
          onClick={() => onChange(clearFilters(state))}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
