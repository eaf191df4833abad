import { ScalekitClient } from '@scalekit-sdk/node';
import 'dotenv/config';

const scalekit = new ScalekitClient(
  process.env.SCALEKIT_ENV_URL,
  process.env.SCALEKIT_CLIENT_ID,
  process.env.SCALEKIT_CLIENT_SECRET,
);
const actions = scalekit.actions;

const connector = 'airtable';
const identifier = 'user_123';

// Generate an authorization link for the user
const { link } = await actions.getAuthorizationLink({ connectionName: connector, identifier });
console.log('Authorize Airtable:', link);
process.stdout.write('Press Enter after authorizing...');
await new Promise((r) => process.stdin.once('data', r));

// Make your first API call through the proxy
const result = await actions.request({
  connectionName: connector,
  identifier,
  path: '/v0/meta/whoami',
  method: 'GET',
});
console.log(result);
