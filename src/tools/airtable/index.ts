import type { ToolProvider } from '../types.js';
import { commentTools } from './comments.js';
import { miscTools } from './misc.js';
import { recordTools } from './records.js';
import { schemaTools } from './schema.js';
import { webhookTools } from './webhooks.js';

/**
 * Scalekit's 26 Airtable tools (names and parameters of its catalog) mapped to Airtable's Web API.
 * Facts: shared/reference/airtable.md.
 */
export const airtableTools: ToolProvider = {
  provider: 'airtable',
  // Attachment uploads go to Airtable's content host; a connection with its own API base URL
  // (the emulator, a proxy) serves every host there.
  hosts: { content: 'https://content.airtable.com' },
  // Airtable allows 5 requests/s per base (then 429 and a 30 s lockout); pacing at 4 leaves room
  // for network jitter. The limit is per base across every client: see docs/tools.md.
  pacing: { keyParam: 'base_id', perSecond: 4 },
  tools: [...recordTools, ...schemaTools, ...commentTools, ...webhookTools, ...miscTools],
};
