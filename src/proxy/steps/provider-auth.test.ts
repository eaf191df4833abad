import { describe, expect, it } from 'vitest';
import { getProvider } from '../../providers/index.js';
import { tokenHeaders } from './provider-auth.js';

describe('OAuth token placement (provider `tokenPlacement`)', () => {
  it('defaults to Authorization: Bearer and follows a definition that says otherwise', () => {
    expect(tokenHeaders(getProvider('slack'), 'xoxp-1')).toEqual([['authorization', 'Bearer xoxp-1']]);
    const custom = {
      ...getProvider('github'),
      tokenPlacement: { header: 'X-Access-Token', prefix: 'token ' },
    };
    expect(tokenHeaders(custom, 'gho_1')).toEqual([['x-access-token', 'token gho_1']]);
  });
});
