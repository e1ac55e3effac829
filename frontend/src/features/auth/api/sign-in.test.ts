import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatWait, signIn, SignInError, signInErrorMessage } from './sign-in';

describe('signInErrorMessage', () => {
  it('says plainly that the email or password is wrong, without saying which', () => {
    expect(signInErrorMessage(401, null, 'wrong email or password')).toBe('Wrong email or password.');
  });

  it('says how long to wait after too many failures', () => {
    expect(signInErrorMessage(429, '840', 'too many failed sign-ins')).toBe(
      'Too many failed sign-ins for this account or address. Try again in 14 minutes.',
    );
    expect(signInErrorMessage(429, null)).toBe('Too many failed sign-ins for this account or address. Try again later.');
  });

  it("blames the server for its own trouble and passes other refusals' words on", () => {
    expect(signInErrorMessage(503, null)).toContain('could not sign you in right now (503)');
    expect(signInErrorMessage(415, null, 'needs JSON')).toBe('Sign-in refused: needs JSON');
  });
});

describe('formatWait', () => {
  it('counts seconds under a minute, then whole minutes rounded up', () => {
    expect(formatWait(30)).toBe('30 s');
    expect(formatWait(60)).toBe('1 minute');
    expect(formatWait(61)).toBe('2 minutes');
  });
});

describe('signIn', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts JSON with the cookie allowed and resolves when the server accepts', async () => {
    const fetch = vi.fn().mockResolvedValue(new Response('{"user":{}}', { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    await signIn('coach@example.com', 'a long password');
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toMatch(/\/auth\/sign-in$/);
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    expect(JSON.parse(init.body as string)).toEqual({ email: 'coach@example.com', password: 'a long password' });
  });

  it('turns a 429 into the wait in words', async () => {
    const body = JSON.stringify({ errors: [{ message: 'too many', extensions: { code: 'RATE_LIMITED' } }] });
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response(body, { status: 429, headers: { 'retry-after': '45' } })));
    await expect(signIn('a@b.c', 'x')).rejects.toThrow(new SignInError('Too many failed sign-ins for this account or address. Try again in 45 s.'));
  });

  it('says when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(signIn('a@b.c', 'x')).rejects.toThrow('Could not reach the server');
  });
});
