import { formatPercent } from '@/lib/format';

export type RateTone = 'over' | 'within' | 'insufficient';

/** How a rate compares with its threshold; a window without enough data is not judged. */
export function rateTone(rate: number, threshold: number, enoughData: boolean): RateTone {
  if (!enoughData) return 'insufficient';
  return rate > threshold ? 'over' : 'within';
}

interface RateProps {
  rate: number;
  threshold: number;
  enoughData: boolean;
}

/** A percentage coloured against its threshold, with a marker and words for those who cannot see colour. */
export function Rate({ rate, threshold, enoughData }: RateProps) {
  switch (rateTone(rate, threshold, enoughData)) {
    case 'insufficient':
      return (
        <span className="text-slate-500" title="Not enough data">
          <span aria-hidden="true">—</span>
          <span className="sr-only">not enough data</span>
        </span>
      );
    case 'over':
      return (
        <span className="font-semibold whitespace-nowrap text-red-700" title={`Above the ${formatPercent(threshold)} threshold`}>
          <span aria-hidden="true">▲ </span>
          {formatPercent(rate)}
          <span className="sr-only"> (above the {formatPercent(threshold)} threshold)</span>
        </span>
      );
    case 'within':
      return <span>{formatPercent(rate)}</span>;
  }
}
