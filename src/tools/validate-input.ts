import { AppError } from '../errors/index.js';
import type { RegisteredTool } from './registry.js';

export type ToolInput = Record<string, unknown>;

/**
 * Checks the caller's input against the tool's JSON Schema before anything else happens, and
 * fills in defaults. A wrong type, a missing or an unknown field is INVALID_ARGUMENT naming each
 * field (also as `field_violations`, which gRPC carries as ValidationErrorInfo).
 */
export function validateInput(tool: RegisteredTool, raw: unknown): ToolInput {
  const parsed = tool.validator.safeParse(raw ?? {});
  if (parsed.success) return parsed.data as ToolInput;
  const violations = parsed.error.issues.map((issue) => {
    const field = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[');
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : [];
    const name = field || (keys.length > 0 ? keys.join(', ') : 'input');
    return { field: name, description: issue.message };
  });
  const summary = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
  throw new AppError(
    'INVALID_ARGUMENT',
    `Invalid input for ${tool.definition.name}: ${summary}`.slice(0, 1000),
    {
      details: { field_violations: violations },
    },
  );
}
