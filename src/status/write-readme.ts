import { readFileSync, writeFileSync } from 'node:fs';
import { withStatusTable } from './table.js';

/** `npm run docs:status`: rewrites the README's feature status table from its rows (gateway.ts, operations.ts, planned.ts). */
const readme = new URL('../../README.md', import.meta.url);
writeFileSync(readme, withStatusTable(readFileSync(readme, 'utf8')));
process.stdout.write('README.md status table rewritten.\n');
