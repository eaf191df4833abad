import type { JsonObject, MessageInitShape } from '@bufbuild/protobuf';
import type { RegisteredTool } from '../../tools/registry.js';
import { providerKey } from './account-mapper.js';
import type { ToolSchema } from './descriptors.js';

/**
 * A tool as Scalekit's ToolService shows it: `definition` {name, description, input_schema,
 * annotations (snake_case hints)} — what SDK apps hand to their LLM — and `metadata` with the
 * provider scopes it needs.
 */
export function toToolMessage(tool: RegisteredTool): MessageInitShape<typeof ToolSchema> {
  const d = tool.definition;
  const definition = {
    name: d.name,
    display_name: d.annotations.title,
    description: d.description,
    provider: providerKey(tool.provider.provider),
    input_schema: d.inputSchema,
    annotations: {
      title: d.annotations.title,
      read_only_hint: d.annotations.readOnlyHint,
      destructive_hint: d.annotations.destructiveHint,
      idempotent_hint: d.annotations.idempotentHint,
      open_world_hint: d.annotations.openWorldHint,
    },
  } as JsonObject;
  return {
    id: `tol_${d.name}`,
    provider: providerKey(tool.provider.provider),
    definition,
    metadata: { scopes: [...d.scopes], method: d.request.method } as JsonObject,
    tags: [...(d.tags ?? [])],
    isDefault: true,
  };
}
