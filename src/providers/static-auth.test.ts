import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { getProvider, listProviders } from './index.js';
import { checkCredentials, credentialInjection, placementFor, staticAuthOf } from './static-auth.js';
import { authorizationTypeOf } from './wire-names.js';

const auth = (key: string) => staticAuthOf(getProvider(key))!;

describe('static-credential providers are data', () => {
  it('each built-in declares its kind, fields and placement', () => {
    const kinds = Object.fromEntries(
      listProviders().map((p) => [p.key, p.auth.type === 'static' ? p.auth.kind : p.auth.type]),
    );
    // Everything beyond these is an OAuth catalog provider (catalog/).
    expect(kinds).toMatchObject({
      airtable: 'oauth2',
      'airtable-pat': 'bearer',
      'custom-oauth2': 'oauth2',
      'custom-api-key': 'api_key',
      'custom-bearer': 'bearer',
      'custom-basic': 'basic',
    });
    expect(authorizationTypeOf(getProvider('custom-api-key'))).toBe('API_KEY');
    expect(authorizationTypeOf(getProvider('airtable-pat'))).toBe('BEARER_TOKEN');
    expect(authorizationTypeOf(getProvider('custom-basic'))).toBe('BASIC_AUTH');
    expect(authorizationTypeOf(getProvider('airtable'))).toBe('OAUTH');
  });

  it('places a key where the provider — or for custom-api-key the connection — says', () => {
    const key = { api_key: 'k-123' };
    expect(credentialInjection(placementFor(auth('custom-api-key'), null), key)).toEqual({
      headers: [['x-api-key', 'k-123']],
      query: [],
    });
    expect(
      credentialInjection(
        placementFor(auth('custom-api-key'), { in: 'header', name: 'Authorization', prefix: 'Key ' }),
        key,
      ),
    ).toEqual({ headers: [['authorization', 'Key k-123']], query: [] });
    expect(
      credentialInjection(placementFor(auth('custom-api-key'), { in: 'query', name: 'appid' }), key),
    ).toEqual({
      headers: [],
      query: [['appid', 'k-123']],
    });
    expect(credentialInjection(placementFor(auth('airtable-pat'), null), { token: 'patX' })).toEqual({
      headers: [['authorization', 'Bearer patX']],
      query: [],
    });
    expect(
      credentialInjection(placementFor(auth('custom-basic'), null), { username: 'ann', password: 'p:w' }),
    ).toEqual({
      headers: [['authorization', `Basic ${Buffer.from('ann:p:w').toString('base64')}`]],
      query: [],
    });
  });

  it('checks credentials field by field, naming fields and never echoing values', () => {
    expect(checkCredentials(auth('custom-basic'), { username: ' ann ', password: 'pw' }, 'd')).toEqual({
      username: 'ann',
      password: 'pw',
    });
    const bad: Array<[Record<string, unknown>, string[]]> = [
      [{}, ['d.username', 'd.password']],
      [{ username: 'a', password: '' }, ['d.password']],
      [{ username: 'a', password: 'line\nbreak-secret' }, ['d.password']],
      [{ username: 'a', password: 'x'.repeat(4097) }, ['d.password']],
      [{ username: 'a', password: 'b', extra: 'c' }, ['d.extra']],
      [{ username: 7, password: 'b' }, ['d.username']],
    ];
    for (const [input, fieldsNamed] of bad) {
      let err: unknown;
      try {
        checkCredentials(auth('custom-basic'), input, 'd');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      const appErr = err as AppError;
      expect(appErr.code).toBe('INVALID_ARGUMENT');
      expect((appErr.details!.field_violations as Array<{ field: string }>).map((v) => v.field)).toEqual(
        fieldsNamed,
      );
      expect(appErr.message).not.toContain('break-secret');
    }
  });
});
