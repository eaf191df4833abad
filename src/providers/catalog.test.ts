import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog/index.js';
import { providerCatalog } from './catalog-view.js';
import { buildRegistry, getProvider, listProviders } from './registry.js';
import { checkDefinition, providerDefinitionSchema } from './schema.js';
import type { ProviderDefinition } from './types.js';

const REQUIRED = [
  'github',
  'gmail',
  'google-calendar',
  'google-drive',
  'google-sheets',
  'slack',
  'notion',
  'hubspot',
  'linear',
  'salesforce',
  'outlook',
  'microsoft-teams',
  'jira',
  'confluence',
  'asana',
  'dropbox',
  'zoom',
];

const broken = (patch: Partial<ProviderDefinition>): ProviderDefinition => ({
  ...getProvider('github'),
  ...patch,
});

describe('the built-in provider catalog', () => {
  it('holds every provider the issue names, each registered', () => {
    expect(CATALOG.map((d) => d.key).sort()).toEqual([...REQUIRED].sort());
    for (const key of REQUIRED) expect(getProvider(key).key).toBe(key);
  });

  it.each(CATALOG.map((d) => [d.key, d] as const))('%s validates and is complete', (_key, def) => {
    expect(providerDefinitionSchema.safeParse(def).success).toBe(true);
    expect(checkDefinition(def)).toBeUndefined();
    expect(def.auth.type).toBe('oauth2');
    // Notion has no scopes (capabilities live on the integration); every other catalog lists them.
    if (def.key !== 'notion') expect(def.scopes!.length).toBeGreaterThan(2);
    for (const s of def.scopes ?? []) expect(s.description.length).toBeGreaterThan(5);
    expect(def.rateLimits?.length).toBeGreaterThan(0);
    expect(def.setup?.steps.some((s) => /redirect URI/i.test(s))).toBe(true);
    expect(def.docsUrl).toMatch(/^https:\/\//);
    expect(def.category).toBeTruthy();
    if (def.key !== 'google-sheets') expect(def.checkCall?.path).toMatch(/^\//);
  });

  it('docs/providers.md has a set-up section for each', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/providers.md'), 'utf8');
    for (const def of CATALOG) expect(doc).toContain(`### ${def.displayName} (\`${def.key}\`)`);
  });

  it('every registered definition (Airtable, API-key and custom ones too) passes the schema', () => {
    for (const def of listProviders()) expect([def.key, checkDefinition(def)]).toEqual([def.key, undefined]);
  });

  it('rejects a broken definition at startup, naming the provider and the field', () => {
    const cases: Array<[Partial<ProviderDefinition>, RegExp]> = [
      [{ tokenUrl: 'not a url' }, /provider github: tokenUrl/],
      [{ defaultScopes: ['repo', 'nope'] }, /defaultScopes: "nope"/],
      [{ apiBaseUrl: 'https://api.example/{tenant_id}' }, /placeholder \{tenant_id\}/],
      [{ quirks: { tokenResponseKey: '' } }, /quirks.tokenResponseKey/],
      [{ quirks: { unknownHook: true } as never }, /quirks/],
      [{ scopes: [{ name: 'a b', description: 'x', tier: 'basic' }] }, /scopes.0.name/],
      [{ revokeStyle: 'bearer', revokeUrl: 'https://x/{token}' }, /only a manual revocation/],
      [{ key: 'GitHub' }, /key/],
    ];
    for (const [patch, message] of cases) {
      expect(() => buildRegistry([broken(patch)])).toThrow(message);
    }
    expect(() => buildRegistry([getProvider('github'), getProvider('github')])).toThrow(/defined twice/);
  });
});

describe('providerCatalog(): what a picker shows', () => {
  it('lists every provider with its auth type and scopes with descriptions, no URLs or secrets', () => {
    const entries = providerCatalog();
    expect(entries.map((e) => e.name)).toEqual(
      expect.arrayContaining([...REQUIRED, 'airtable', 'custom-api-key']),
    );
    const slack = entries.find((e) => e.name === 'slack')!;
    expect(slack).toMatchObject({
      displayName: 'Slack',
      category: 'communication',
      authType: 'OAUTH',
      custom: false,
      revocation: 'automatic',
      checkCall: 'GET /auth.test',
    });
    expect(slack.scopes).toContainEqual({
      name: 'chat:write',
      description: 'Send messages on a user’s behalf',
    });
    expect(entries.find((e) => e.name === 'custom-api-key')).toMatchObject({
      authType: 'API_KEY',
      custom: true,
    });
    expect(entries.find((e) => e.name === 'hubspot')?.revocation).toBe('manual');
    expect(entries.find((e) => e.name === 'jira')?.revocation).toBe('none');
    expect(JSON.stringify(entries)).not.toMatch(/tokenUrl|authorizeUrl/);
  });
});
