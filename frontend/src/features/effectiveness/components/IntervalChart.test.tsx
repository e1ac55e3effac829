import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { changeDomain, IntervalChart, xScale } from './IntervalChart';

describe('the interval chart', () => {
  it('places values on the axis, clamped to its ends', () => {
    expect(xScale(0, [0, 1])).toBe(150);
    expect(xScale(1, [0, 1])).toBe(544);
    expect(xScale(0.5, [0, 1])).toBe(347);
    expect(xScale(2, [0, 1])).toBe(544);
    expect(xScale(0, [-20, 20])).toBe(347);
  });

  it('makes a change axis symmetric around zero that holds every interval', () => {
    expect(changeDomain([{ key: 'a', label: 'A', value: -4, interval: [-23.5, 3] }])).toEqual([-30, 30]);
    expect(changeDomain([{ key: 'a', label: 'A', value: null, interval: null }])).toEqual([-10, 10]);
  });

  it('draws a bar and a whisker per row, and says when a row has nothing to show', () => {
    const { container } = render(
      <IntervalChart
        rows={[
          { key: 'call', label: 'Coaching call', value: 0.5, interval: [0.2, 0.8] },
          { key: 'warning', label: 'Formal warning', value: null, interval: null },
        ]}
        domain={[0, 1]}
        mark="bar"
        ticks={[0, 0.5, 1]}
        format={(v) => `${Math.round(v * 100)}%`}
        label="Share improved"
      />,
    );
    expect(screen.getByRole('img', { name: 'Share improved' })).toBeTruthy();
    const rows = container.querySelectorAll('[data-testid="chart-row"]');
    expect(rows).toHaveLength(2);
    const bar = rows[0]?.querySelector('rect');
    expect(Number(bar?.getAttribute('width'))).toBeCloseTo(197);
    expect(rows[0]?.querySelectorAll('line')).toHaveLength(3);
    expect(rows[0]?.querySelector('title')?.textContent).toBe('Coaching call: 50% (95% interval 20% to 80%)');
    expect(rows[1]?.textContent).toContain('not enough judged outcomes');
  });
});
