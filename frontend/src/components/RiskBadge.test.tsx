import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RiskBadge } from './RiskBadge';

describe('RiskBadge', () => {
  it('names the level in words, not only in colour', () => {
    render(<RiskBadge level="HIGH" />);
    const badge = screen.getByText('High');
    expect(badge.textContent).toBe('High risk');
    expect(badge.className).toContain('bg-red-100');
  });

  it('gives each level its own colour', () => {
    const { rerender } = render(<RiskBadge level="MEDIUM" />);
    expect(screen.getByText('Medium').className).toContain('bg-amber-100');
    rerender(<RiskBadge level="LOW" />);
    expect(screen.getByText('Low').className).toContain('bg-emerald-100');
  });

  it('says when a tutor is not scored yet', () => {
    render(<RiskBadge level={null} />);
    expect(screen.getByText('Not scored')).toBeTruthy();
  });
});
