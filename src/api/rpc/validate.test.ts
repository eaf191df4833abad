import { create, type DescMessage } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors/index.js';
import {
  CreateConnectedAccountRequestSchema,
  GetMagicLinkForConnectedAccountRequestSchema,
  ListAppConnectionsRequestSchema,
  ListConnectedAccountsRequestSchema,
  SearchConnectedAccountsRequestSchema,
  UpdateConnectedAccountRequestSchema,
  VerifyConnectedAccountUserRequestSchema,
} from './descriptors.js';
import { createServices, type ServiceDeps } from './services.js';
import { assertValid, celRulesOf, isKnownCelRule, violationsOf } from './validate.js';

const fields = <D extends DescMessage>(schema: D, init: Parameters<typeof create<D>>[1]) =>
  violationsOf(schema, create(schema, init)).map((v) => v.field);

describe('validation from the descriptors (buf.validate)', () => {
  it('reads string limits, patterns and prefixes and names the field', () => {
    const s = GetMagicLinkForConnectedAccountRequestSchema;
    expect(fields(s, { connector: 'airtable', identifier: 'user_1' })).toEqual([]);
    expect(fields(s, { connector: 'airtable', identifier: 'x'.repeat(101) })).toEqual(['identifier']);
    expect(fields(s, { connector: 'bad/name', identifier: 'u' })).toEqual(['connector']);
    expect(fields(s, { id: 'acc_1' })).toEqual(['id']);
    expect(fields(s, { id: `ca_${'x'.repeat(30)}` })).toEqual(['id']);
    expect(fields(s, { organizationId: 'o'.repeat(33) })).toEqual(['organization_id']);
    expect(fields(s, { state: 's'.repeat(513) })).toEqual(['state']);
    expect(fields(s, { userVerifyUrl: 'ftp://x' })).toEqual(['user_verify_url']);
    expect(fields(s, { userVerifyUrl: `https://a.example/${'p'.repeat(2048)}` })).toEqual([
      'user_verify_url',
    ]);
    // Characters, not bytes: 100 four-byte characters are fine.
    expect(fields(s, { identifier: '😀'.repeat(100) })).toEqual([]);
  });

  it('reads number bounds, required fields and list rules', () => {
    expect(fields(ListConnectedAccountsRequestSchema, { pageSize: 99 })).toEqual([]);
    expect(fields(ListConnectedAccountsRequestSchema, { pageSize: 100 })).toEqual(['page_size']);
    expect(fields(ListConnectedAccountsRequestSchema, { connectionNames: Array(21).fill('a') })).toEqual([
      'connection_names',
    ]);
    expect(fields(ListConnectedAccountsRequestSchema, { connectionNames: ['ok', 'not/ok'] })).toEqual([
      'connection_names[1]',
    ]);
    expect(fields(CreateConnectedAccountRequestSchema, { connector: 'a', identifier: 'b' })).toEqual([
      'connected_account',
    ]);
    expect(fields(UpdateConnectedAccountRequestSchema, { id: 'ca_1', connectedAccount: {} })).toEqual([]);
    expect(fields(VerifyConnectedAccountUserRequestSchema, {})).toEqual(['auth_request_id', 'identifier']);
    expect(
      fields(VerifyConnectedAccountUserRequestSchema, { authRequestId: 'a', identifier: 'i'.repeat(201) }),
    ).toEqual(['identifier']);
    expect(fields(SearchConnectedAccountsRequestSchema, { query: 'ab' })).toEqual(['query']);
    expect(fields(SearchConnectedAccountsRequestSchema, {})).toEqual(['query']);
    expect(fields(SearchConnectedAccountsRequestSchema, { query: 'abc', pageSize: 31 })).toEqual([
      'page_size',
    ]);
  });

  it('checks optional fields only when they are set', () => {
    expect(fields(ListAppConnectionsRequestSchema, {})).toEqual([]);
    expect(fields(ListAppConnectionsRequestSchema, { query: 'ai' })).toEqual(['query']);
    expect(fields(ListAppConnectionsRequestSchema, { query: '' })).toEqual(['query']);
    expect(fields(ListAppConnectionsRequestSchema, { provider: 'P'.repeat(51) })).toEqual(['provider']);
    expect(fields(ListAppConnectionsRequestSchema, { pageSize: 31 })).toEqual(['page_size']);
  });

  it('enforces the message-level CEL rule of ListConnectedAccounts in its own words', () => {
    const v = violationsOf(
      ListConnectedAccountsRequestSchema,
      create(ListConnectedAccountsRequestSchema, { connector: 'a', connectionNames: ['b'] }),
    );
    expect(v).toEqual([
      { field: '', description: 'connector and connection_names are mutually exclusive — provide only one' },
    ]);
  });

  it('translates every CEL rule of every request Latchkey serves', () => {
    const seen = new Set<string>();
    const visit = (m: DescMessage) => {
      if (seen.has(m.typeName)) return;
      seen.add(m.typeName);
      for (const rule of celRulesOf(m))
        expect(isKnownCelRule(rule), `${m.typeName}: ${rule.expression}`).toBe(true);
      for (const f of m.fields) if (f.message?.typeName.startsWith('scalekit.')) visit(f.message);
    };
    for (const { service, impl } of createServices({} as ServiceDeps)) {
      for (const method of service.methods) if (method.localName in impl) visit(method.input);
    }
    expect(seen.size).toBeGreaterThan(15);
  });

  it('assertValid throws INVALID_ARGUMENT with field violations, naming fields but never values', () => {
    const secret = `${'x'.repeat(100)}-secret-value`;
    let err: unknown;
    try {
      assertValid(
        GetMagicLinkForConnectedAccountRequestSchema,
        create(GetMagicLinkForConnectedAccountRequestSchema, { identifier: secret }),
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('INVALID_ARGUMENT');
    expect((err as AppError).message).toBe(
      'Invalid request: identifier: value length must be at most 100 characters',
    );
    expect((err as AppError).message).not.toContain('secret-value');
    expect((err as AppError).details).toEqual({
      field_violations: [{ field: 'identifier', description: 'value length must be at most 100 characters' }],
    });
  });
});
