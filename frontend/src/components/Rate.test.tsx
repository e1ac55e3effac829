import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Rate, rateTone } from './Rate';

describe('rateTone', () => {
  it('is over only strictly above the threshold', () => {
    expect(rateTone(15.1, 15, true)).toBe('over');
    expect(rateTone(15, 15, true)).toBe('within');
    expect(rateTone(3, 15, true)).toBe('within');
  });

  it('does not judge a window without enough data', () => {
    expect(rateTone(80, 15, false)).toBe('insufficient');
  });
});

describe('Rate', () => {
  it('marks a rate above the threshold with colour, a marker and words', () => {
    const { container } = render(<Rate rate={37.5} threshold={15} enoughData />);
    expect(container.textContent).toBe('▲ 37.5% (above the 15% threshold)');
    expect(container.firstElementChild?.className).toContain('text-red-700');
  });

  it('shows a rate within the threshold plainly', () => {
    const { container } = render(<Rate rate={10} threshold={15} enoughData />);
    expect(container.textContent).toBe('10%');
    expect(container.firstElementChild?.className ?? '').not.toContain('red');
  });

  it('says "not enough data" instead of a rate', () => {
    const { container } = render(<Rate rate={50} threshold={15} enoughData={false} />);
    expect(container.textContent).toBe('—not enough data');
  });
});
