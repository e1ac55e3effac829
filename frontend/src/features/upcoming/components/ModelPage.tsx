// The prediction model, honestly: which one is in use (or that the baseline is), how it did on
// the newest outcomes it was not fitted on against the baseline, its calibration, how its live
// predictions fared against what then happened, and the latest fits with why each was (not) used.
import type { ReactNode } from 'react';
import { Panel } from '@/components/Panel';
import { Skeleton } from '@/components/Skeleton';
import { EmptyState, ErrorState } from '@/components/States';
import type { ModelQuery } from '@/gql/graphql';
import { formatDateTime, formatMetric } from '@/lib/format';
import { useRefetchOn } from '@/lib/use-refetch-on';
import { useModel, type ModelInUse } from '../api/get-model';
import { CalibrationChart } from './CalibrationChart';
import { featureLabel } from '../model-text';

export function ModelPage({ resync }: { resync: number }) {
  const [{ data, error }, refetch] = useModel();
  useRefetchOn(resync, refetch);

  if (error && !data) {
    return <ErrorState title="Could not load the model" error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  }
  if (!data) {
    return (
      <div className="flex flex-col gap-4" role="status" aria-label="Loading the model">
        <Skeleton className="h-32 w-full" />
        <Skeleton className="h-80 w-full" />
      </div>
    );
  }
  const model = data.predictionModel;
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Risk prediction model</h1>
      {model ? <InUse model={model} /> : <BaselineInUse fits={data.predictionModels} />}
      {data.predictionModels.length > 0 && <Fits fits={data.predictionModels} />}
    </div>
  );
}

function BaselineInUse({ fits }: { fits: ModelQuery['predictionModels'] }) {
  return (
    <section aria-label="Model in use" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950">
      <h2 className="text-base font-semibold">Baseline in use: no model fitted that beats it yet</h2>
      <p className="mt-1">
        Predictions come from a model only once it beats the baseline (each tutor’s own 30-day rate of reschedules and
        no-shows) on the newest outcomes it was not fitted on. {fits.length === 0 ? 'No model has been fitted yet: it needs enough sessions with known outcomes.' : 'The latest fits are below, with why each was not used.'}
      </p>
    </section>
  );
}

function InUse({ model }: { model: ModelInUse }) {
  const betterAuc = (model.auc ?? 0) > (model.baselineAuc ?? 0);
  const betterBrier = (model.brier ?? 1) < (model.baselineBrier ?? 1);
  return (
    <>
      <section aria-label="Model in use" className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <p className="text-sm">
          <strong>Model version {model.version}</strong>, trained {formatDateTime(model.trainedAt)} on {model.samples.toLocaleString('en-GB')} outcomes and
          judged on the newest {model.holdoutSamples.toLocaleString('en-GB')} it was not fitted on.
        </p>
        <p className="text-sm text-slate-700">{model.reason}</p>
        <div className="relative overflow-x-auto" tabIndex={0} aria-label="Holdout figures, scrolls sideways">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Holdout figures of the model against the baseline</caption>
            <thead className="text-xs text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2">On the holdout</th>
                <th scope="col" className="px-3 py-2">Model</th>
                <th scope="col" className="px-3 py-2">Baseline</th>
                <th scope="col" className="px-3 py-2">Better is</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              <Row name="AUC (ranking)" model={model.auc} baseline={model.baselineAuc} better="higher" wins={betterAuc} />
              <Row name="Brier score (error)" model={model.brier} baseline={model.baselineBrier} better="lower" wins={betterBrier} />
              <Row name="Log loss" model={model.logLoss} baseline={model.baselineLogLoss} better="lower" wins={(model.logLoss ?? 9) < (model.baselineLogLoss ?? 9)} />
            </tbody>
          </table>
        </div>
        <p className="text-xs text-slate-600">
          First-session model (poor first sessions): holdout AUC {formatMetric(model.poorFirstAuc)},{' '}
          {model.poorFirstPromoted ? 'in use' : 'not in use (it did not beat its baseline)'}.
        </p>
      </section>
      <div className="grid gap-4 lg:grid-cols-2">
        <Panel title="Calibration on the holdout">
          <figure className="flex flex-col gap-2">
            <CalibrationChart bins={model.calibration} />
            <figcaption className="text-xs text-slate-600">
              Dots on the dashed diagonal mean the predicted probability matched how often it happened; bigger dots hold more sessions.
            </figcaption>
          </figure>
          <details className="mt-2 text-sm">
            <summary className="cursor-pointer">Calibration table</summary>
            <table className="mt-2 w-full text-left tabular-nums">
              <thead className="text-xs text-slate-700">
                <tr>
                  <th scope="col" className="px-2 py-1">Predicted</th>
                  <th scope="col" className="px-2 py-1">Sessions</th>
                  <th scope="col" className="px-2 py-1">Mean predicted</th>
                  <th scope="col" className="px-2 py-1">Happened</th>
                </tr>
              </thead>
              <tbody>
                {model.calibration.map((b) => (
                  <tr key={b.from} className="border-t border-slate-200">
                    <td className="px-2 py-1">
                      {Math.round(b.from * 100)}–{Math.round(b.to * 100)}%
                    </td>
                    <td className="px-2 py-1">{b.count}</td>
                    <td className="px-2 py-1">{b.count ? `${(b.predicted * 100).toFixed(1)}%` : '—'}</td>
                    <td className="px-2 py-1">{b.count ? `${(b.observed * 100).toFixed(1)}%` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </Panel>
        <div className="flex flex-col gap-4">
          <Panel title="Live predictions checked against outcomes (30 days)">
            {model.live.samples === 0 ? (
              <EmptyState title="No outcomes yet">
                Predictions are kept beside the outcomes that follow; these figures appear as booked sessions take place.
              </EmptyState>
            ) : (
              <dl className="grid grid-cols-3 gap-3 text-sm">
                <Figure term="Sessions checked">{model.live.samples.toLocaleString('en-GB')}</Figure>
                <Figure term="AUC">{formatMetric(model.live.auc)}</Figure>
                <Figure term="Brier score">{formatMetric(model.live.brier)}</Figure>
              </dl>
            )}
          </Panel>
          <Panel title="What the model weighs">
            <Features features={model.features} />
          </Panel>
        </div>
      </div>
    </>
  );
}

function Row({ name, model, baseline, better, wins }: { name: string; model: number | null | undefined; baseline: number | null | undefined; better: string; wins: boolean }) {
  return (
    <tr className="border-t border-slate-200">
      <th scope="row" className="px-3 py-2 font-medium">
        {name}
      </th>
      <td className={`px-3 py-2 ${wins ? 'font-semibold text-emerald-800' : ''}`}>
        {formatMetric(model)}
        {wins && <span className="sr-only"> (better than the baseline)</span>}
      </td>
      <td className="px-3 py-2">{formatMetric(baseline)}</td>
      <td className="px-3 py-2 text-slate-600">{better}</td>
    </tr>
  );
}

function Figure({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-slate-600">{term}</dt>
      <dd className="text-lg font-semibold tabular-nums">{children}</dd>
    </div>
  );
}

function Features({ features }: { features: ModelInUse['features'] }) {
  const sorted = [...features].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Feature weights on standardised features, largest first</caption>
      <thead className="text-xs text-slate-700">
        <tr>
          <th scope="col" className="px-2 py-1">Feature</th>
          <th scope="col" className="px-2 py-1">Weight</th>
        </tr>
      </thead>
      <tbody className="tabular-nums">
        {sorted.map((f) => (
          <tr key={f.name} className="border-t border-slate-200">
            <td className="px-2 py-1">{featureLabel(f.name)}</td>
            <td className={`px-2 py-1 ${f.weight > 0 ? 'text-red-800' : 'text-emerald-800'}`}>
              {f.weight > 0 ? '+' : '−'}
              {Math.abs(f.weight).toFixed(2)}
              <span className="sr-only">{f.weight > 0 ? ' (raises the risk)' : ' (lowers the risk)'}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Fits({ fits }: { fits: ModelQuery['predictionModels'] }) {
  return (
    <Panel title="Latest fits">
      <ul className="flex flex-col divide-y divide-slate-200 text-sm">
        {fits.map((fit) => (
          <li key={fit.version} className="flex flex-col gap-0.5 py-2">
            <p>
              <strong>Version {fit.version}</strong> · {formatDateTime(fit.trainedAt)} ·{' '}
              <span className={fit.promoted ? 'font-semibold text-emerald-800' : 'font-semibold text-amber-900'}>
                {fit.promoted ? 'promoted' : 'not used'}
              </span>
            </p>
            <p className="text-slate-700">{fit.reason}</p>
            <p className="text-xs text-slate-600 tabular-nums">
              AUC {formatMetric(fit.auc)} vs {formatMetric(fit.baselineAuc)} · Brier {formatMetric(fit.brier)} vs {formatMetric(fit.baselineBrier)} ·{' '}
              {fit.samples.toLocaleString('en-GB')} fitted, {fit.holdoutSamples.toLocaleString('en-GB')} held out
            </p>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
