import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CalibrationChart, xOf, yOf } from './CalibrationChart';

const bin = (from: number, count: number, predicted: number, observed: number) => ({ from, to: from + 0.1, count, predicted, observed });

describe('CalibrationChart', () => {
  it('draws a dot per bin with sessions, where predicted meets observed', () => {
    const { container } = render(<CalibrationChart bins={[bin(0, 300, 0.08, 0.06), bin(0.1, 0, 0, 0), bin(0.5, 80, 0.55, 0.58)]} />);
    const dots = container.querySelectorAll('[data-testid="calibration-bin"]');
    expect(dots).toHaveLength(2);
    expect(Number(dots[1]?.getAttribute('cx'))).toBeCloseTo(xOf(0.55));
    expect(Number(dots[1]?.getAttribute('cy'))).toBeCloseTo(yOf(0.58));
    // The bin with the most sessions gets the biggest dot.
    expect(Number(dots[0]?.getAttribute('r'))).toBeGreaterThan(Number(dots[1]?.getAttribute('r')));
    expect(dots[0]?.textContent).toBe('0–10%: 300 sessions, predicted 8.0%, happened 6.0%');
  });

  it('puts 0% at the bottom left and 100% at the top right, joined by the diagonal', () => {
    const { container } = render(<CalibrationChart bins={[]} />);
    const diagonal = container.querySelector('[data-testid="diagonal"]');
    expect(Number(diagonal?.getAttribute('y1'))).toBeGreaterThan(Number(diagonal?.getAttribute('y2')));
    expect(xOf(0)).toBeLessThan(xOf(1));
    expect(container.querySelector('svg')?.getAttribute('role')).toBe('img');
  });
});
