import type { DescMethod, DescService } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/** Field number of the `google.api.http` extension on MethodOptions. */
const HTTP_RULE_EXTENSION = 72295728;
/** google.api.HttpRule field numbers of the verbs (get, put, post, delete, patch). */
const VERBS: Record<number, RestBinding['verb']> = { 2: 'GET', 3: 'PUT', 4: 'POST', 5: 'DELETE', 6: 'PATCH' };
const BODY = 7;
const ADDITIONAL_BINDINGS = 11;

export interface RestBinding {
  method: DescMethod;
  verb: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** Router pattern: the annotation's template with `{field}` segments as `:field`. */
  pattern: string;
  /** Request fields bound from path segments (proto field names). */
  pathParams: string[];
  /** `*` (whole body is the request), a field name, or '' (no body: query parameters). */
  body: string;
}

interface HttpRule {
  verb: RestBinding['verb'] | undefined;
  path: string;
  body: string;
}

/** The rule and its additional_bindings, flattened (primary first). */
function readHttpRules(bytes: Uint8Array): HttpRule[] {
  const rule: HttpRule = { verb: undefined, path: '', body: '' };
  const more: HttpRule[] = [];
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wireType] = r.tag();
    const verb = VERBS[no];
    if (verb && wireType === WireType.LengthDelimited) {
      rule.verb = verb;
      rule.path = r.string();
    } else if (no === BODY && wireType === WireType.LengthDelimited) {
      rule.body = r.string();
    } else if (no === ADDITIONAL_BINDINGS && wireType === WireType.LengthDelimited) {
      more.push(...readHttpRules(r.bytes()));
    } else {
      r.skip(wireType); // selector, custom, response_body
    }
  }
  return [rule, ...more];
}

/** The method's `google.api.http` rules, read from the descriptor's (unknown) option bytes. */
function httpRulesOf(method: DescMethod): HttpRule[] {
  const field = method.proto.options?.$unknown?.find((u) => u.no === HTTP_RULE_EXTENSION);
  if (!field || field.wireType !== WireType.LengthDelimited) return [];
  return readHttpRules(new BinaryReader(field.data).bytes());
}

/**
 * `/a/{id}/b` → `/a/:id/b`, `/a/{id}:verb` → `/a/:id:verb`; null when a variable does not fill a
 * whole segment (`{x=*}`, `pre{x}`).
 */
function toPattern(template: string): { pattern: string; params: string[] } | null {
  const params: string[] = [];
  const segments = template.split('/').map((seg) => {
    if (!seg.includes('{')) return seg;
    const m = /^\{([a-z_][a-z0-9_]*)\}(:[A-Za-z0-9_-]+)?$/.exec(seg);
    if (!m?.[1]) return null;
    params.push(m[1]);
    return `:${m[1]}${m[2] ?? ''}`;
  });
  if (segments.includes(null)) return null;
  return { pattern: segments.join('/'), params };
}

/**
 * REST bindings of a service's unary methods, straight from their `google.api.http`
 * annotations (grpc-gateway style). Routes without a parameter come first so that
 * `/x/details` is tried before `/x/:id`.
 */
export function httpBindings(
  service: DescService,
  include: (m: DescMethod) => boolean = () => true,
): RestBinding[] {
  const out: RestBinding[] = [];
  for (const method of service.methods) {
    if (method.methodKind !== 'unary' || !include(method)) continue;
    for (const rule of httpRulesOf(method)) {
      const path = rule.verb ? toPattern(rule.path) : null;
      if (!rule.verb || !path) continue;
      out.push({ method, verb: rule.verb, pattern: path.pattern, pathParams: path.params, body: rule.body });
    }
  }
  return out.sort((a, b) => a.pathParams.length - b.pathParams.length);
}
