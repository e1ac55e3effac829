import { useQuery } from 'urql';
import { graphql } from '@/gql';
import type { ModelQuery } from '@/gql/graphql';

graphql(`
  fragment ModelFields on PredictionModelInfo {
    version
    trainedAt
    samples
    holdoutSamples
    auc
    brier
    logLoss
    baselineAuc
    baselineBrier
    baselineLogLoss
    promoted
    reason
    poorFirstAuc
    poorFirstPromoted
  }
`);

/** The model in use (null while the baseline is), with its holdout and live figures, and the latest fits. */
export const modelQuery = graphql(`
  query Model {
    predictionModel {
      ...ModelFields
      calibration {
        from
        to
        count
        predicted
        observed
      }
      features {
        name
        weight
      }
      live {
        samples
        auc
        brier
      }
    }
    predictionModels(last: 10) {
      ...ModelFields
    }
  }
`);

export type ModelInUse = NonNullable<ModelQuery['predictionModel']>;
export type CalibrationBin = ModelInUse['calibration'][number];

export function useModel() {
  return useQuery({ query: modelQuery });
}
