// The domain's enums in words.
import type {
  AlertResolution,
  AlertSeverity,
  AlertStatus,
  FlagCode,
  InterventionStatus,
  OutcomeVerdict,
  RiskLevel,
  SessionStatus,
  UserRole,
} from '@/gql/graphql';

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

export const roleLabel: Record<UserRole, string> = { ADMIN: 'Admin', COACH: 'Coach', VIEWER: 'Viewer' };
export const userRoles: UserRole[] = ['VIEWER', 'COACH', 'ADMIN'];

export const alertStatusLabel: Record<AlertStatus, string> = {
  OPEN: 'Open',
  ACKNOWLEDGED: 'Acknowledged',
  SNOOZED: 'Snoozed',
  RESOLVED: 'Resolved',
};

export const alertSeverityLabel: Record<AlertSeverity, string> = { CRITICAL: 'Critical', WARNING: 'Warning' };

export const alertResolutionLabel: Record<AlertResolution, string> = {
  ACTIONED: 'Actioned',
  FALSE_ALARM: 'False alarm',
  RECOVERED: 'Recovered (the flag cleared)',
};

export const interventionStatusLabel: Record<InterventionStatus, string> = {
  PLANNED: 'Planned',
  DONE: 'Done',
  CANCELLED: 'Cancelled',
};

export const verdictLabel: Record<OutcomeVerdict, string> = {
  IMPROVED: 'Improved',
  NO_CHANGE: 'No change',
  WORSE: 'Worse',
  NOT_ENOUGH_DATA: 'Not enough data',
  CHURNED: 'Churned (no sessions after)',
};

/** The verdicts an owner may give (the others are measured only). */
export const assessableVerdicts: OutcomeVerdict[] = ['IMPROVED', 'NO_CHANGE', 'WORSE'];
