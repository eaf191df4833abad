import { describe, expect, it } from 'vitest';
import { runCliInProcess as runCli } from '../helpers/cli.js';

describe('latchkey providers list|show', () => {
  it('lists every provider; --json carries scopes with descriptions', async () => {
    const table = await runCli(['providers', 'list']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+PROVIDER\s+CATEGORY\s+AUTH\s+SCOPES/);
    for (const name of ['airtable', 'github', 'slack', 'salesforce', 'microsoft-teams', 'zoom']) {
      expect(table.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
    }
    const json = await runCli(['providers', 'list', '--json']);
    const all = JSON.parse(json.stdout) as Array<{
      name: string;
      authType: string;
      scopes: Array<{ name: string; description: string }>;
    }>;
    const gmail = all.find((e) => e.name === 'gmail')!;
    expect(gmail.authType).toBe('OAUTH');
    expect(gmail.scopes).toContainEqual({
      name: 'https://www.googleapis.com/auth/gmail.send',
      description: 'Send email on your behalf',
    });
  });

  it('shows one provider: scopes, refresh behaviour, rate limits and set-up steps', async () => {
    const r = await runCli(['providers', 'show', 'zoom']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Zoom (zoom)');
    expect(r.stdout).toContain('refresh tokens rotated on every refresh; lapse after 90 d unused');
    expect(r.stdout).toContain('meeting:read:list_meetings  —  View a user’s meetings');
    expect(r.stdout).toMatch(/Set up: register the app at https:\/\/marketplace\.zoom\.us/);
    expect(r.stdout).toContain('latchkey connections create --provider zoom');
    const json = JSON.parse((await runCli(['providers', 'show', 'jira', '--json'])).stdout);
    expect(json).toMatchObject({ name: 'jira', revocation: 'none', checkCall: 'GET /rest/api/3/myself' });
  });

  it('an unknown provider fails with PROVIDER_NOT_FOUND and the known names', async () => {
    const r = await runCli(['providers', 'show', 'nope']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Unknown provider "nope"');
    expect(r.stderr).toContain('salesforce');
    expect(r.stdout).toBe('');
  });
});
