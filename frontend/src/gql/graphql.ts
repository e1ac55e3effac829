/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Who did something. */
export type ActorKind =
  /** An API key (a machine). */
  | 'KEY'
  /** The open embedded default (no keys, no users). */
  | 'LOCAL'
  /** tutorscore itself. */
  | 'SYSTEM'
  /** A signed-in person. */
  | 'USER';

/** What an alert is about. */
export type AlertKind =
  /** A tutor's flag. */
  | 'FLAG'
  /** An upcoming session at risk. */
  | 'UPCOMING_SESSION';

/** How an alert was resolved. */
export type AlertResolution =
  /** A coach acted on it. */
  | 'ACTIONED'
  /** A coach judged the flag wrong (counted against the rule's precision). */
  | 'FALSE_ALARM'
  /** The flag cleared by itself (set automatically, never by a person). */
  | 'RECOVERED';

/** How serious an alert is. */
export type AlertSeverity =
  | 'CRITICAL'
  | 'WARNING';

/** Where an alert is in its lifecycle. */
export type AlertStatus =
  /** Someone has it in hand. */
  | 'ACKNOWLEDGED'
  /** Needs someone to look at it. */
  | 'OPEN'
  /** Done with; `resolution` says how. */
  | 'RESOLVED'
  /** Put aside until `snoozedUntil`; open again then if the flag is still there. */
  | 'SNOOZED';

/** What a flag is about. */
export type FlagCode =
  /** Too many sessions ended more than `scoringRules.earlyEndMinutes` early. */
  | 'EARLY_END_RATE'
  /** Too many sessions started more than `scoringRules.lateStartMinutes` late. */
  | 'LATE_START_RATE'
  /** Too many tutor no-shows. */
  | 'NO_SHOW_RATE'
  /** Too many poor first sessions with new students. */
  | 'POOR_FIRST_SESSIONS'
  /** Too many tutor-initiated reschedules. */
  | 'RESCHEDULE_RATE';

/** How serious a flag is. */
export type FlagSeverity =
  /** Plausibly above the critical level: high risk on its own. */
  | 'CRITICAL'
  /** Above the threshold. */
  | 'WARNING';

/** Who asked for a reschedule. */
export type RescheduleInitiator =
  /** The student. */
  | 'STUDENT'
  /** The tutor (counts towards the tutor's reschedule rate). */
  | 'TUTOR';

/** How worried operations should be about a tutor. */
export type RiskLevel =
  /** A critical flag or several flags: needs an intervention. */
  | 'HIGH'
  /** Nothing to act on. */
  | 'LOW'
  /** One flag: worth a look. */
  | 'MEDIUM';

/** What happened to a scheduled session. */
export type SessionStatus =
  /** The session was cancelled. */
  | 'CANCELLED'
  /** The session took place (actualStart and actualEnd required). */
  | 'COMPLETED'
  /** The session was moved (reschedule details required). */
  | 'RESCHEDULED'
  /**
   * Booked, not happened yet (record it again with its outcome under the same
   * externalId); counts in no rate until then.
   */
  | 'SCHEDULED'
  /** The student did not show up. */
  | 'STUDENT_NO_SHOW'
  /** The tutor did not show up. */
  | 'TUTOR_NO_SHOW';

/** Sort direction. */
export type SortDirection =
  | 'ASC'
  | 'DESC';

/** Which tutors to list. */
export type TutorFilterInput = {
  /** Only active (true) or inactive (false) tutors; all when absent. */
  active?: boolean | null | undefined;
  /** Tutors with any of these flags. */
  flags?: Array<FlagCode> | null | undefined;
  /** Any of these risk levels (tutors not scored yet have none). */
  riskLevels?: Array<RiskLevel> | null | undefined;
};

/** Columns the tutors list sorts by (ties broken by tutor id). */
export type TutorSortField =
  | 'COMPUTED_AT'
  | 'NAME'
  | 'NO_SHOW_RATE_30D'
  | 'QUALITY_SCORE'
  | 'RESCHEDULE_RATE_7D'
  | 'RESCHEDULE_RATE_30D'
  | 'RESCHEDULE_RATE_90D'
  | 'RISK_LEVEL'
  | 'SESSIONS_30D';

/** How to sort the tutors list. */
export type TutorSortInput = {
  direction?: SortDirection;
  field?: TutorSortField;
};

/** What a person may do. */
export type UserRole =
  /** Plus people, configuration and dead jobs. */
  | 'ADMIN'
  /** Plus acting on alerts. */
  | 'COACH'
  /** Reads everything. */
  | 'VIEWER';

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { kind: ActorKind, label: string, canRecord: boolean, canTriage: boolean, canAdminister: boolean, user: { id: string, name: string, email: string, role: UserRole } | null } };

export type AlertChangesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type AlertChangesSubscription = { alertChanged: { snapshot: boolean, action: string | null, alert: { id: string, kind: AlertKind, flag: FlagCode | null, status: AlertStatus, severity: AlertSeverity, resolution: AlertResolution | null, tutorId: string, openedAt: string, ackDueAt: string, overdue: boolean, acknowledgedAt: string | null, snoozedUntil: string | null, resolvedAt: string | null, reopenedCount: number, version: number, tutor: { id: string, name: string } | null, assignee: { id: string, name: string } | null, latestEvidence: { code: FlagCode, severity: FlagSeverity, windowDays: number, evidence: string, recommendation: string } | null } | null } };

export type RiskChangesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type RiskChangesSubscription = { riskLevelChanged: { snapshot: boolean, change: { tutorId: string, tutorName: string, from: RiskLevel | null, to: RiskLevel, flags: Array<FlagCode>, at: string, version: number } | null } };

export type ScoreUpdatesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ScoreUpdatesSubscription = { tutorScoreUpdated: { snapshot: boolean, tutorId: string | null, score: { qualityScore: number, riskLevel: RiskLevel, riskSince: string, computedAt: string, version: number, flags: Array<{ code: FlagCode, severity: FlagSeverity, windowDays: number, evidence: string, recommendation: string }>, windows: Array<{ days: number, sessions: number, enoughData: boolean, rescheduleRate: number, tutorReschedules: number, lastMinuteReschedules: number, noShowRate: number, tutorNoShows: number, dueSessions: number, lateStartRate: number, lateStarts: number, earlyEndRate: number, earlyEnds: number, completedSessions: number, poorFirstSessionRate: number, poorFirstSessions: number, firstSessions: number }> } | null } };

export type OverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type OverviewQuery = { overview: { tutors: number, highRisk: number, mediumRisk: number, lowRisk: number, unscored: number, averageRescheduleRate30d: number | null, sessionsLast24h: number, recentRiskChanges: Array<{ tutorId: string, tutorName: string, from: RiskLevel | null, to: RiskLevel, flags: Array<FlagCode>, at: string, version: number }> }, scoringRules: { rescheduleThreshold: number }, tutors: { totalCount: number, edges: Array<{ node: { id: string, score: { window: { rescheduleRate: number } | null } | null } }> } };

export type TutorDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type TutorDetailQuery = { tutor: { id: string, name: string, externalId: string, email: string, active: boolean, score: { qualityScore: number, riskLevel: RiskLevel, riskSince: string, computedAt: string, version: number, flags: Array<{ code: FlagCode, severity: FlagSeverity, windowDays: number, evidence: string, recommendation: string }>, windows: Array<{ days: number, sessions: number, enoughData: boolean, rescheduleRate: number, tutorReschedules: number, lastMinuteReschedules: number, noShowRate: number, tutorNoShows: number, dueSessions: number, lateStartRate: number, lateStarts: number, earlyEndRate: number, earlyEnds: number, completedSessions: number, poorFirstSessionRate: number, poorFirstSessions: number, firstSessions: number }> } | null, scoreHistory: Array<{ computedAt: string, version: number, rescheduleRate7d: number, rescheduleRate30d: number, rescheduleRate90d: number }>, weeklyTrend: Array<{ weekEnd: string, sessions: number, tutorReschedules: number, rescheduleRate: number, tutorNoShows: number }>, recentReschedules: Array<{ sessionId: string, initiator: RescheduleInitiator, reasonCode: string | null, reason: string | null, originalStart: string, requestedAt: string, noticeHours: number, lastMinute: boolean }>, sessions: { edges: Array<{ node: { id: string, scheduledStart: string, scheduledMinutes: number, status: SessionStatus, isFirstSession: boolean, rating: number | null } }> } } | null, scoringRules: { rescheduleThreshold: number, noShowThreshold: number, lateStartThreshold: number, earlyEndThreshold: number, poorFirstSessionThreshold: number } };

export type TutorsQueryVariables = Exact<{
  filter?: TutorFilterInput | null | undefined;
  search?: string | null | undefined;
  sort?: TutorSortInput | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type TutorsQuery = { tutors: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, score: { qualityScore: number, riskLevel: RiskLevel, riskSince: string, computedAt: string, version: number, flags: Array<{ code: FlagCode, severity: FlagSeverity, windowDays: number, evidence: string, recommendation: string }>, windows: Array<{ days: number, sessions: number, enoughData: boolean, rescheduleRate: number, tutorReschedules: number, lastMinuteReschedules: number, noShowRate: number, tutorNoShows: number, dueSessions: number, lateStartRate: number, lateStarts: number, earlyEndRate: number, earlyEnds: number, completedSessions: number, poorFirstSessionRate: number, poorFirstSessions: number, firstSessions: number }> } | null } }> }, scoringRules: { rescheduleThreshold: number, noShowThreshold: number } };

export type AlertFieldsFragment = { id: string, kind: AlertKind, flag: FlagCode | null, status: AlertStatus, severity: AlertSeverity, resolution: AlertResolution | null, tutorId: string, openedAt: string, ackDueAt: string, overdue: boolean, acknowledgedAt: string | null, snoozedUntil: string | null, resolvedAt: string | null, reopenedCount: number, version: number, tutor: { id: string, name: string } | null, assignee: { id: string, name: string } | null, latestEvidence: { code: FlagCode, severity: FlagSeverity, windowDays: number, evidence: string, recommendation: string } | null };

export type TutorScoreFieldsFragment = { qualityScore: number, riskLevel: RiskLevel, riskSince: string, computedAt: string, version: number, flags: Array<{ code: FlagCode, severity: FlagSeverity, windowDays: number, evidence: string, recommendation: string }>, windows: Array<{ days: number, sessions: number, enoughData: boolean, rescheduleRate: number, tutorReschedules: number, lastMinuteReschedules: number, noShowRate: number, tutorNoShows: number, dueSessions: number, lateStartRate: number, lateStarts: number, earlyEndRate: number, earlyEnds: number, completedSessions: number, poorFirstSessionRate: number, poorFirstSessions: number, firstSessions: number }> };

export const AlertFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlertFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Alert"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"flag"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"tutorId"}},{"kind":"Field","name":{"kind":"Name","value":"tutor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"ackDueAt"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"snoozedUntil"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"reopenedCount"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"latestEvidence"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"windowDays"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"recommendation"}}]}}]}}]} as unknown as DocumentNode<AlertFieldsFragment, unknown>;
export const TutorScoreFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TutorScoreFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TutorScore"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"qualityScore"}},{"kind":"Field","name":{"kind":"Name","value":"riskLevel"}},{"kind":"Field","name":{"kind":"Name","value":"riskSince"}},{"kind":"Field","name":{"kind":"Name","value":"computedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"flags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"windowDays"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"recommendation"}}]}},{"kind":"Field","name":{"kind":"Name","value":"windows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"enoughData"}},{"kind":"Field","name":{"kind":"Name","value":"rescheduleRate"}},{"kind":"Field","name":{"kind":"Name","value":"tutorReschedules"}},{"kind":"Field","name":{"kind":"Name","value":"lastMinuteReschedules"}},{"kind":"Field","name":{"kind":"Name","value":"noShowRate"}},{"kind":"Field","name":{"kind":"Name","value":"tutorNoShows"}},{"kind":"Field","name":{"kind":"Name","value":"dueSessions"}},{"kind":"Field","name":{"kind":"Name","value":"lateStartRate"}},{"kind":"Field","name":{"kind":"Name","value":"lateStarts"}},{"kind":"Field","name":{"kind":"Name","value":"earlyEndRate"}},{"kind":"Field","name":{"kind":"Name","value":"earlyEnds"}},{"kind":"Field","name":{"kind":"Name","value":"completedSessions"}},{"kind":"Field","name":{"kind":"Name","value":"poorFirstSessionRate"}},{"kind":"Field","name":{"kind":"Name","value":"poorFirstSessions"}},{"kind":"Field","name":{"kind":"Name","value":"firstSessions"}}]}}]}}]} as unknown as DocumentNode<TutorScoreFieldsFragment, unknown>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"canRecord"}},{"kind":"Field","name":{"kind":"Name","value":"canTriage"}},{"kind":"Field","name":{"kind":"Name","value":"canAdminister"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const AlertChangesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AlertChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"alertChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"alert"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AlertFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AlertFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Alert"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"flag"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"tutorId"}},{"kind":"Field","name":{"kind":"Name","value":"tutor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"ackDueAt"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"snoozedUntil"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"reopenedCount"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"latestEvidence"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"windowDays"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"recommendation"}}]}}]}}]} as unknown as DocumentNode<AlertChangesSubscription, AlertChangesSubscriptionVariables>;
export const RiskChangesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RiskChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"riskLevelChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"}},{"kind":"Field","name":{"kind":"Name","value":"change"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tutorId"}},{"kind":"Field","name":{"kind":"Name","value":"tutorName"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"flags"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<RiskChangesSubscription, RiskChangesSubscriptionVariables>;
export const ScoreUpdatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ScoreUpdates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tutorScoreUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"snapshot"}},{"kind":"Field","name":{"kind":"Name","value":"tutorId"}},{"kind":"Field","name":{"kind":"Name","value":"score"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TutorScoreFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TutorScoreFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TutorScore"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"qualityScore"}},{"kind":"Field","name":{"kind":"Name","value":"riskLevel"}},{"kind":"Field","name":{"kind":"Name","value":"riskSince"}},{"kind":"Field","name":{"kind":"Name","value":"computedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"flags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"windowDays"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"recommendation"}}]}},{"kind":"Field","name":{"kind":"Name","value":"windows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"enoughData"}},{"kind":"Field","name":{"kind":"Name","value":"rescheduleRate"}},{"kind":"Field","name":{"kind":"Name","value":"tutorReschedules"}},{"kind":"Field","name":{"kind":"Name","value":"lastMinuteReschedules"}},{"kind":"Field","name":{"kind":"Name","value":"noShowRate"}},{"kind":"Field","name":{"kind":"Name","value":"tutorNoShows"}},{"kind":"Field","name":{"kind":"Name","value":"dueSessions"}},{"kind":"Field","name":{"kind":"Name","value":"lateStartRate"}},{"kind":"Field","name":{"kind":"Name","value":"lateStarts"}},{"kind":"Field","name":{"kind":"Name","value":"earlyEndRate"}},{"kind":"Field","name":{"kind":"Name","value":"earlyEnds"}},{"kind":"Field","name":{"kind":"Name","value":"completedSessions"}},{"kind":"Field","name":{"kind":"Name","value":"poorFirstSessionRate"}},{"kind":"Field","name":{"kind":"Name","value":"poorFirstSessions"}},{"kind":"Field","name":{"kind":"Name","value":"firstSessions"}}]}}]}}]} as unknown as DocumentNode<ScoreUpdatesSubscription, ScoreUpdatesSubscriptionVariables>;
export const OverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Overview"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"overview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"recentChanges"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tutors"}},{"kind":"Field","name":{"kind":"Name","value":"highRisk"}},{"kind":"Field","name":{"kind":"Name","value":"mediumRisk"}},{"kind":"Field","name":{"kind":"Name","value":"lowRisk"}},{"kind":"Field","name":{"kind":"Name","value":"unscored"}},{"kind":"Field","name":{"kind":"Name","value":"averageRescheduleRate30d"}},{"kind":"Field","name":{"kind":"Name","value":"sessionsLast24h"}},{"kind":"Field","name":{"kind":"Name","value":"recentRiskChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tutorId"}},{"kind":"Field","name":{"kind":"Name","value":"tutorName"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"flags"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"scoringRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rescheduleThreshold"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tutors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"score"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"window"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"IntValue","value":"30"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rescheduleRate"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<OverviewQuery, OverviewQueryVariables>;
export const TutorDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TutorDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tutor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"score"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TutorScoreFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"scoreHistory"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"computedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"rescheduleRate7d"}},{"kind":"Field","name":{"kind":"Name","value":"rescheduleRate30d"}},{"kind":"Field","name":{"kind":"Name","value":"rescheduleRate90d"}}]}},{"kind":"Field","name":{"kind":"Name","value":"weeklyTrend"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"weeks"},"value":{"kind":"IntValue","value":"12"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"weekEnd"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"tutorReschedules"}},{"kind":"Field","name":{"kind":"Name","value":"rescheduleRate"}},{"kind":"Field","name":{"kind":"Name","value":"tutorNoShows"}}]}},{"kind":"Field","name":{"kind":"Name","value":"recentReschedules"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sessionId"}},{"kind":"Field","name":{"kind":"Name","value":"initiator"}},{"kind":"Field","name":{"kind":"Name","value":"reasonCode"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"originalStart"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"noticeHours"}},{"kind":"Field","name":{"kind":"Name","value":"lastMinute"}}]}},{"kind":"Field","name":{"kind":"Name","value":"sessions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"scheduledStart"}},{"kind":"Field","name":{"kind":"Name","value":"scheduledMinutes"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"isFirstSession"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"scoringRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rescheduleThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"noShowThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"lateStartThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"earlyEndThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"poorFirstSessionThreshold"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TutorScoreFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TutorScore"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"qualityScore"}},{"kind":"Field","name":{"kind":"Name","value":"riskLevel"}},{"kind":"Field","name":{"kind":"Name","value":"riskSince"}},{"kind":"Field","name":{"kind":"Name","value":"computedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"flags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"windowDays"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"recommendation"}}]}},{"kind":"Field","name":{"kind":"Name","value":"windows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"enoughData"}},{"kind":"Field","name":{"kind":"Name","value":"rescheduleRate"}},{"kind":"Field","name":{"kind":"Name","value":"tutorReschedules"}},{"kind":"Field","name":{"kind":"Name","value":"lastMinuteReschedules"}},{"kind":"Field","name":{"kind":"Name","value":"noShowRate"}},{"kind":"Field","name":{"kind":"Name","value":"tutorNoShows"}},{"kind":"Field","name":{"kind":"Name","value":"dueSessions"}},{"kind":"Field","name":{"kind":"Name","value":"lateStartRate"}},{"kind":"Field","name":{"kind":"Name","value":"lateStarts"}},{"kind":"Field","name":{"kind":"Name","value":"earlyEndRate"}},{"kind":"Field","name":{"kind":"Name","value":"earlyEnds"}},{"kind":"Field","name":{"kind":"Name","value":"completedSessions"}},{"kind":"Field","name":{"kind":"Name","value":"poorFirstSessionRate"}},{"kind":"Field","name":{"kind":"Name","value":"poorFirstSessions"}},{"kind":"Field","name":{"kind":"Name","value":"firstSessions"}}]}}]}}]} as unknown as DocumentNode<TutorDetailQuery, TutorDetailQueryVariables>;
export const TutorsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Tutors"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"TutorFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sort"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"TutorSortInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tutors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"sort"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sort"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"score"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TutorScoreFields"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"scoringRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rescheduleThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"noShowThreshold"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TutorScoreFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TutorScore"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"qualityScore"}},{"kind":"Field","name":{"kind":"Name","value":"riskLevel"}},{"kind":"Field","name":{"kind":"Name","value":"riskSince"}},{"kind":"Field","name":{"kind":"Name","value":"computedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"flags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"windowDays"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"recommendation"}}]}},{"kind":"Field","name":{"kind":"Name","value":"windows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"}},{"kind":"Field","name":{"kind":"Name","value":"enoughData"}},{"kind":"Field","name":{"kind":"Name","value":"rescheduleRate"}},{"kind":"Field","name":{"kind":"Name","value":"tutorReschedules"}},{"kind":"Field","name":{"kind":"Name","value":"lastMinuteReschedules"}},{"kind":"Field","name":{"kind":"Name","value":"noShowRate"}},{"kind":"Field","name":{"kind":"Name","value":"tutorNoShows"}},{"kind":"Field","name":{"kind":"Name","value":"dueSessions"}},{"kind":"Field","name":{"kind":"Name","value":"lateStartRate"}},{"kind":"Field","name":{"kind":"Name","value":"lateStarts"}},{"kind":"Field","name":{"kind":"Name","value":"earlyEndRate"}},{"kind":"Field","name":{"kind":"Name","value":"earlyEnds"}},{"kind":"Field","name":{"kind":"Name","value":"completedSessions"}},{"kind":"Field","name":{"kind":"Name","value":"poorFirstSessionRate"}},{"kind":"Field","name":{"kind":"Name","value":"poorFirstSessions"}},{"kind":"Field","name":{"kind":"Name","value":"firstSessions"}}]}}]}}]} as unknown as DocumentNode<TutorsQuery, TutorsQueryVariables>;