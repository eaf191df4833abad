import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { parseCookies, serializeCookie } from './cookies.js';

describe('parseCookies', () => {
  it('parses pairs, trims, decodes and unquotes', () => {
    expect(parseCookies('a=1; b = two%20words ; c="quoted"; d=')).toEqual({
      a: '1',
      b: 'two words',
      c: 'quoted',
      d: '',
    });
  });

  it('keeps the first occurrence and skips junk', () => {
    expect(parseCookies('a=1; a=2; junk; =x; b=%E0%A4%A')).toEqual({ a: '1', b: '%E0%A4%A' });
  });

  it('handles a missing header and is safe against prototype keys', () => {
    expect(parseCookies(undefined)).toEqual({});
    const parsed = parseCookies('__proto__=x; constructor=y');
    expect(Object.entries(parsed)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(Object.getPrototypeOf(parsed)).toBeNull();
  });
});

describe('serializeCookie', () => {
  it('defaults to HttpOnly, SameSite=Lax and Path=/', () => {
    expect(serializeCookie('lk_state', 'a b;c')).toBe('lk_state=a%20b%3Bc; Path=/; HttpOnly; SameSite=Lax');
  });

  it('writes every option', () => {
    expect(
      serializeCookie('s', 'v', {
        maxAgeSec: 600,
        path: '/sso',
        secure: true,
        httpOnly: false,
        sameSite: 'Strict',
      }),
    ).toBe('s=v; Path=/sso; Max-Age=600; Secure; SameSite=Strict');
    expect(serializeCookie('s', '', { maxAgeSec: 0 })).toBe(
      's=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax',
    );
  });

  it('round-trips through parseCookies', () => {
    const value = 'x=1&y=ü;z';
    const header = serializeCookie('k', value).split(';')[0];
    expect(parseCookies(header).k).toBe(value);
  });

  it('refuses unsafe names, paths and option combinations', () => {
    expect(() => serializeCookie('a b', 'v')).toThrow(AppError);
    expect(() => serializeCookie('a;b', 'v')).toThrow(AppError);
    expect(() => serializeCookie('a', 'v', { path: '/x; Domain=evil' })).toThrow(AppError);
    expect(() => serializeCookie('a', 'v', { sameSite: 'None' })).toThrow(AppError);
    expect(() => serializeCookie('a', 'v', { maxAgeSec: -1 })).toThrow(AppError);
    expect(serializeCookie('a', 'v', { sameSite: 'None', secure: true })).toContain('SameSite=None');
  });
});
