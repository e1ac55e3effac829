import { describe, expect, it } from 'vitest';
import { parseEnv } from './env';

describe('parseEnv', () => {
  it('defaults to /graphql on the page origin, ws for http', () => {
    expect(parseEnv(undefined, 'http://127.0.0.1:8080')).toEqual({
      graphqlHttpUrl: 'http://127.0.0.1:8080/graphql',
      graphqlWsUrl: 'ws://127.0.0.1:8080/graphql',
    });
  });

  it('uses wss for an https endpoint', () => {
    expect(parseEnv('https://api.example/graphql', 'http://localhost').graphqlWsUrl).toBe('wss://api.example/graphql');
  });

  it('rejects a non-http URL', () => {
    expect(() => parseEnv('ftp://x/graphql', 'http://localhost')).toThrow(/http\(s\) URL/);
  });
});
