import { GATEWAY } from './gateway.js';
import { OPERATIONS } from './operations.js';
import { PLANNED } from './planned.js';
import type { Probe } from './probes.js';

/**
 * What works and what does not yet, one row per feature a user would look for: the README's
 * "Status" table is this data, rendered (`npm run docs:status`). status.test.ts checks that the
 * README shows it, that every proof is a test file with tests in it, and the probes: each names
 * something checkable (a CLI command, a config variable, a served RPC, a route) that must exist
 * for a `works` row and must not for a `planned` one.
 */
export interface Feature {
  feature: string;
  status: 'works' | 'planned';
  /** Markdown links (README sections via `readme()`, files via `doc()`, links.ts); doc-links.test.ts checks them. */
  docs: string[];
  /** Test files (repository paths) that prove a `works` row; none for a `planned` one. */
  proof: string[];
  probes: Probe[];
}

export const FEATURES: Feature[] = [
  ...[...GATEWAY, ...OPERATIONS].map((f) => ({ ...f, status: 'works' as const })),
  ...PLANNED.map((f) => ({ ...f, status: 'planned' as const, proof: [] })),
];
