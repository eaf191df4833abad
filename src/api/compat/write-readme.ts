import { readFileSync, writeFileSync } from 'node:fs';
import { withCompatTable } from './table.js';

/** `npm run docs:compat`: rewrites the README's SDK compatibility table from sdk-methods.ts. */
const readme = new URL('../../../README.md', import.meta.url);
writeFileSync(readme, withCompatTable(readFileSync(readme, 'utf8')));
process.stdout.write('README.md compatibility table rewritten.\n');
