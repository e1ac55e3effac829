// The domain's enums in words.
import type { FlagCode, RiskLevel, SessionStatus } from '@/gql/graphql';

export const riskLabel: Record<RiskLevel, string> = { HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' };

export const flagLabel: Record<FlagCode, string> = {
  RESCHEDULE_RATE: 'Reschedules',
  NO_SHOW_RATE: 'No-shows',
  LATE_START_RATE: 'Late starts',
  EARLY_END_RATE: 'Early ends',
  POOR_FIRST_SESSIONS: 'Poor first sessions',
};

export const statusLabel: Record<SessionStatus, string> = {
  SCHEDULED: 'Booked',
  COMPLETED: 'Completed',
  RESCHEDULED: 'Rescheduled',
  TUTOR_NO_SHOW: 'Tutor no-show',
  STUDENT_NO_SHOW: 'Student no-show',
  CANCELLED: 'Cancelled',
};

export const riskLevels: RiskLevel[] = ['HIGH', 'MEDIUM', 'LOW'];
export const flagCodes = Object.keys(flagLabel) as FlagCode[];
