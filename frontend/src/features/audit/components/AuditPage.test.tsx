import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { Provider, type Client } from 'urql';
import { describe, expect, it, vi } from 'vitest';
import { fromValue } from 'wonka';
import type { AuditEventsQuery, AuditEventsQueryVariables } from '@/gql/graphql';
import type { AuditEntry } from '../api/audit-events';
import { AuditPage } from './AuditPage';

const TUTOR = '0b9f3c1e-6a2d-4c8e-9f10-2a3b4c5d6e7f';

function entry(id: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    at: '2026-12-01T09:30:00Z',
    actorKind: 'USER',
    actorLabel: 'ada.admin@demo.example',
    actor: { id: 'user-ada', name: 'Ada Admin' },
    action: 'alert.acknowledged',
    subjectType: 'alert',
    subjectId: `alert-${id}`,
    tutorId: TUTOR,
    before: { status: 'open', version: 1 },
    after: { status: 'acknowledged', version: 2 },
    note: null,
    ...overrides,
  };
}

function page(entries: AuditEntry[], hasNextPage: boolean): AuditEventsQuery {
  return {
    auditEvents: {
      pageInfo: { hasNextPage, endCursor: entries.length ? `cursor-${entries.at(-1)?.id}` : null },
      edges: entries.map((node) => ({ cursor: `cursor-${node.id}`, node })),
    },
  };
}

function Search() {
  return <output data-testid="search">{useLocation().search}</output>;
}

function renderPage({ canAdminister = true, url = '/audit', first = page([entry('2'), entry('1', { action: 'user.signed_in', subjectType: 'sign_in', subjectId: null, tutorId: null, before: null, after: null })], true), next = page([entry('0', { actorKind: 'SYSTEM', actorLabel: 'system', actor: null, action: 'alert.opened', note: 'Reschedules above 15%' })], false) } = {}) {
  const executeQuery = vi.fn((request: { variables: AuditEventsQueryVariables | { id: string } }) =>
    fromValue('first' in request.variables ? { data: first } : { data: { tutor: { id: TUTOR, name: 'Ava Jensen' } } }),
  );
  const query = vi.fn(() => ({ toPromise: () => Promise.resolve({ data: next }) }));
  const client = { executeQuery, query } as unknown as Client;
  render(
    <Provider value={client}>
      <MemoryRouter initialEntries={[url]}>
        <AuditPage canAdminister={canAdminister} />
        <Search />
      </MemoryRouter>
    </Provider>,
  );
  return { executeQuery, query };
}

const rows = () => screen.getAllByRole('row').filter((row) => row.hasAttribute('data-audit-id'));

describe('the audit trail page', () => {
  it('tells someone who is not an admin that the trail is not for them, and asks nothing', () => {
    const { executeQuery } = renderPage({ canAdminister: false });
    expect(screen.getByText('Only admins read the audit trail')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    expect(executeQuery).not.toHaveBeenCalled();
  });

  it('lists who did what to which subject, newest first', () => {
    renderPage();
    const [first, second] = rows();
    if (!first || !second) throw new Error('two rows expected');
    const cells = within(first).getAllByRole('cell');
    expect(cells[0]?.querySelector('time')?.getAttribute('dateTime')).toBe('2026-12-01T09:30:00Z');
    expect(cells[0]?.textContent).toBe('1 Dec 2026, 09:30');
    expect(cells[1]?.textContent).toBe('Ada Adminada.admin@demo.example · person');
    expect(cells[2]?.textContent).toBe('Alert acknowledgedalert.acknowledged');
    expect(within(first).getByRole('link', { name: 'Alert alert-2' }).getAttribute('href')).toBe('/alerts/alert-2');
    expect(within(first).getByRole('link', { name: 'Tutor’s page' }).getAttribute('href')).toBe(`/tutors/${TUTOR}`);
    expect(within(second).getByText('Signed in')).toBeTruthy();
    expect(within(second).queryByRole('button')).toBeNull();
    expect(screen.getByTestId('audit-count').textContent).toBe('2 entries shown, older ones to load');
  });

  it('opens a row onto the fields it changed and the states before and after', () => {
    renderPage();
    const [first] = rows();
    if (!first) throw new Error('a row expected');
    const toggle = within(first).getByRole('button', { name: 'Show changes' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const changes = screen.getByRole('table', { name: 'Changed fields' });
    expect(within(changes).getAllByRole('row').map((r) => r.textContent)).toEqual(['FieldBeforeAfter', 'statusopenacknowledged', 'version12']);
    expect(screen.getByRole('figure', { name: 'After' }).textContent).toContain('"status": "acknowledged"');
    fireEvent.click(within(first).getByRole('button', { name: 'Hide changes' }));
    expect(screen.queryByRole('table', { name: 'Changed fields' })).toBeNull();
  });

  it('appends the next page from the cursor the last one ended on', async () => {
    const { query } = renderPage();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(query).toHaveBeenCalledWith(expect.anything(), { filter: {}, first: 50, after: 'cursor-1' }, { requestPolicy: 'network-only' });
    const last = rows()[2];
    expect(last?.textContent).toContain('system');
    expect(last?.textContent).toContain('Reschedules above 15%');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByText('No older entries.')).toBeTruthy();
  });

  it('filters from the URL and puts a chosen action kind into it', () => {
    const { executeQuery } = renderPage({ url: `/audit?tutor=${TUTOR}&from=2026-12-01` });
    const asked = executeQuery.mock.calls.map(([request]) => request.variables).find((v) => 'first' in v);
    expect(asked).toEqual({ filter: { tutorId: TUTOR, from: '2026-12-01T00:00:00.000Z' }, first: 50, after: null });
    expect(screen.getByTestId('audit-tutor').textContent).toContain('About Ava Jensen');
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('2026-12-01');
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'alert.' } });
    expect(screen.getByTestId('search').textContent).toBe(`?action=alert.&from=2026-12-01&tutor=${TUTOR}`);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getByTestId('search').textContent).toBe('');
  });

  it('says when nothing matches the filters and offers to clear them', () => {
    renderPage({ url: '/audit?action=note.', first: page([], false) });
    expect(screen.getByText('No entries match these filters')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear the filters' }));
    expect(screen.getByTestId('search').textContent).toBe('');
  });
});
