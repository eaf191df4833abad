import { describe, expect, it } from 'vitest';
import { reshapesTokenAnswers, reshapeTokenAnswer } from './token-response.js';

/** Answers as the providers document them (trimmed), straightened by the named hooks. */
describe('token answer hooks', () => {
  const slack = {
    tokenResponseKey: 'authed_user',
    errorsInSuccessfulAnswers: true,
    tokenTypeOverride: 'bearer' as const,
  };

  it('tokenResponseKey: Slack’s user token under authed_user, not the bot token on top', () => {
    const answer = {
      ok: true,
      access_token: 'xoxb-bot',
      token_type: 'bot',
      scope: 'commands',
      app_id: 'A0KRD7HC3',
      authed_user: {
        id: 'U1234',
        scope: 'chat:write,channels:read',
        access_token: 'xoxe.xoxp-user',
        token_type: 'user',
        refresh_token: 'xoxe-1-r',
        expires_in: 43200,
      },
      team: { id: 'T9TK3CUKW', name: 'Slack Softball Team' },
    };
    expect(reshapeTokenAnswer(200, answer, slack)).toEqual({
      status: 200,
      body: {
        id: 'U1234',
        scope: 'chat:write,channels:read',
        access_token: 'xoxe.xoxp-user',
        token_type: 'bearer',
        refresh_token: 'xoxe-1-r',
        expires_in: 43200,
      },
    });
  });

  it('tokenResponseKey applies only when present: Slack’s refresh answer is top-level', () => {
    const refresh = {
      ok: true,
      access_token: 'xoxe.xoxp-2',
      token_type: 'user',
      refresh_token: 'r2',
      expires_in: 43200,
    };
    expect(reshapeTokenAnswer(200, refresh, slack).body).toMatchObject({
      access_token: 'xoxe.xoxp-2',
      token_type: 'bearer',
    });
  });

  it('errorsInSuccessfulAnswers: HTTP 200 errors become RFC 6749 errors, grant errors invalid_grant', () => {
    expect(reshapeTokenAnswer(200, { ok: false, error: 'invalid_refresh_token' }, slack)).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'invalid_refresh_token' },
    });
    const github = { errorsInSuccessfulAnswers: true, grantedScopeSeparator: ',' };
    const answer = {
      error: 'bad_verification_code',
      error_description: 'The code passed is incorrect or expired.',
      error_uri: 'https://docs.github.com/apps/troubleshooting',
    };
    expect(reshapeTokenAnswer(200, answer, github)).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'The code passed is incorrect or expired.' },
    });
    expect(reshapeTokenAnswer(200, { ok: false, error: 'invalid_client_id' }, slack).body).toMatchObject({
      error: 'invalid_client_id',
    });
  });

  it('grantedScopeSeparator: GitHub’s "repo,gist" becomes a space-separated list', () => {
    const answer = { access_token: 'ghu_x', token_type: 'bearer', scope: 'repo,gist', expires_in: 28800 };
    expect(reshapeTokenAnswer(200, answer, { grantedScopeSeparator: ',' }).body).toMatchObject({
      scope: 'repo gist',
    });
  });

  it('expiresInUnit and assumedTokenLifetimeSec', () => {
    expect(
      reshapeTokenAnswer(
        200,
        { access_token: 'a', token_type: 'Bearer', expires_in: 3_600_000 },
        {
          expiresInUnit: 'milliseconds',
        },
      ).body,
    ).toMatchObject({ expires_in: 3600 });
    expect(
      reshapeTokenAnswer(
        200,
        { access_token: 'a', token_type: 'Bearer', expires_in: '3599' },
        {
          expiresInUnit: 'seconds',
          assumedTokenLifetimeSec: 60,
        },
      ).body,
    ).toMatchObject({ expires_in: 3599 });
    expect(
      reshapeTokenAnswer(200, { access_token: 'a', token_type: 'Bearer' }, { assumedTokenLifetimeSec: 7200 })
        .body,
    ).toMatchObject({ expires_in: 7200 });
  });

  it('leaves error statuses, non-objects and quirk-free providers alone', () => {
    expect(reshapeTokenAnswer(400, { error: 'invalid_grant' }, slack)).toEqual({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(reshapeTokenAnswer(200, 'not json', slack)).toEqual({ status: 200, body: 'not json' });
    expect(reshapesTokenAnswers({})).toBe(false);
    expect(reshapesTokenAnswers({ authorizeParams: { prompt: 'consent' } })).toBe(false);
    expect(reshapesTokenAnswers(slack)).toBe(true);
  });
});
