import type { IncomingMessage } from 'node:http';
import type { EmulatorContext } from '../context.js';
import type { BaseModel, TableModel } from '../seed.js';
import type { LiveAccess } from '../state.js';

/** The live grant behind `Authorization: Bearer <token>`, if any. */
export function authenticateBearer(ctx: EmulatorContext, req: IncomingMessage): LiveAccess | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1] ? ctx.state.authenticate(match[1]) : undefined;
}

export function hasScope(access: LiveAccess, scope: string): boolean {
  return access.scopes.includes(scope);
}

/** A base the token's grant covers; undefined for unknown and ungranted bases alike. */
export function grantedBase(ctx: EmulatorContext, access: LiveAccess, baseId: string): BaseModel | undefined {
  if (!access.grant.baseIds.includes(baseId)) return undefined;
  return ctx.workspace.find((b) => b.id === baseId);
}

/** Table ids and names are interchangeable in Airtable paths. */
export function findTable(base: BaseModel, idOrName: string): TableModel | undefined {
  return base.tables.find((t) => t.id === idOrName) ?? base.tables.find((t) => t.name === idOrName);
}
