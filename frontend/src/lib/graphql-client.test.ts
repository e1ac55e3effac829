import { CombinedError } from 'urql';
import { describe, expect, it } from 'vitest';
import { isUnauthenticated, reconnectDelay } from './graphql-client';

describe('isUnauthenticated', () => {
  it('recognises the 401 answer and the UNAUTHENTICATED code', () => {
    const http401 = new CombinedError({ response: new Response('', { status: 401 }), networkError: new Error('401') });
    const coded = new CombinedError({ graphQLErrors: [{ message: 'key', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(isUnauthenticated(http401)).toBe(true);
    expect(isUnauthenticated(coded)).toBe(true);
  });

  it('leaves other errors alone', () => {
    expect(isUnauthenticated(new CombinedError({ networkError: new Error('offline') }))).toBe(false);
    expect(isUnauthenticated(new CombinedError({ graphQLErrors: [{ message: 'x', extensions: { code: 'NOT_FOUND' } }] }))).toBe(false);
  });
});

describe('reconnectDelay', () => {
  it('doubles from one second up to ten, plus up to a second of jitter', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => reconnectDelay(n, 0))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(reconnectDelay(0, 0.5)).toBe(1500);
  });
});
