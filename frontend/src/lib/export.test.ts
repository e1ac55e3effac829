import { describe, expect, it } from 'vitest';
import { exportUrl } from './export';

const base = 'http://127.0.0.1:8080/graphql';

describe('export URLs', () => {
  it('carry the list’s filter and sort as JSON and the search as text', () => {
    const url = new URL(
      exportUrl('tutors', { filter: { riskLevels: ['HIGH'], flags: null }, sort: { field: 'NAME', direction: 'ASC' }, search: ' ava ' }, base),
    );
    expect(url.pathname).toBe('/export/tutors.csv');
    expect(url.searchParams.get('filter')).toBe('{"riskLevels":["HIGH"]}');
    expect(url.searchParams.get('sort')).toBe('{"field":"NAME","direction":"ASC"}');
    expect(url.searchParams.get('search')).toBe('ava');
  });

  it('leave out an empty filter and search', () => {
    expect(exportUrl('alerts', { filter: { riskLevels: null, flags: [] }, search: '' }, base)).toBe('http://127.0.0.1:8080/export/alerts.csv');
  });

  it('take plain parameters for the sessions export', () => {
    const url = new URL(exportUrl('sessions', { extra: { tutorId: 't1', from: '2026-10-01T00:00:00Z', to: null } }, base));
    expect([...url.searchParams.keys()]).toEqual(['tutorId', 'from']);
  });
});
