import { useQuery } from 'urql';
import { graphql } from '@/gql';
import type { EffectivenessQuery } from '@/gql/graphql';

graphql(`
  fragment EffectivenessGroupFields on EffectivenessGroup {
    key
    label
    interventions
    measured
    improved
    noChange
    worse
    notEnoughData
    churned
    shareImproved
    shareImprovedInterval
    medianChange
    medianChangeInterval
  }
`);

/** Which interventions work, and how often coaches judged each rule's alerts wrong, over a period. */
export const effectivenessQuery = graphql(`
  query Effectiveness($from: DateTime, $to: DateTime) {
    interventionEffectiveness(from: $from, to: $to) {
      from
      to
      total {
        ...EffectivenessGroupFields
      }
      byType {
        ...EffectivenessGroupFields
      }
      byFlag {
        ...EffectivenessGroupFields
      }
    }
    flagPrecision(from: $from, to: $to) {
      flag
      label
      alerts
      unresolved
      recovered
      actioned
      falseAlarms
      falseAlarmShare
      precision
    }
  }
`);

export type EffectivenessGroup = EffectivenessQuery['interventionEffectiveness']['total'];
export type FlagPrecisionRow = EffectivenessQuery['flagPrecision'][number];

export function useEffectiveness(variables: { from: string | null; to: string | null }) {
  return useQuery({ query: effectivenessQuery, variables });
}
