// The model's feature names in words.
const labels: Record<string, string> = {
  failure_rate_30d: 'Tutor’s reschedules and no-shows, 30 days',
  failure_rate_90d: 'Tutor’s reschedules and no-shows, 90 days',
  sessions_30d: 'Sessions in the last 30 days',
  trend_7d: 'Tutor’s reschedules and no-shows this week',
  sessions_with_student: 'Sessions with this student so far',
  failures_with_student: 'Failed sessions with this student',
  first_session: 'First session with the student',
  lead_time: 'Time from booking to start',
  evening: 'Late-evening session',
  session_length: 'Session length',
};

/** A feature's name in words; an unknown one as it is, with underscores as spaces. */
export function featureLabel(name: string): string {
  return labels[name] ?? name.replaceAll('_', ' ');
}
