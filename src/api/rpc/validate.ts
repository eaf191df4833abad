import type { DescField, DescMessage, Message } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { AppError } from '../../errors/index.js';

/**
 * Request validation from the descriptors themselves: the `buf.validate` rules the SDK's protos
 * carry (string lengths, patterns, prefixes, number bounds, required fields, list sizes) are read
 * from each field's options and enforced before any handler runs, so Latchkey's limits are the
 * contract's limits and cannot drift. A failure is INVALID_ARGUMENT naming every offending field
 * (proto field paths, e.g. `connected_account`), in protovalidate's words.
 * Message-level CEL rules are not interpreted generically; the few the served requests carry are
 * translated in CEL_RULES (a test fails if a served request has one that is missing there).
 */

/** `buf.validate.field` / `buf.validate.message` extension number on Field/MessageOptions. */
const VALIDATE_EXT = 1159;

interface StringRules {
  minLen?: number;
  maxLen?: number;
  pattern?: RegExp;
  patternSource?: string;
  prefix?: string;
}
interface NumberRules {
  lt?: number;
  lte?: number;
  gt?: number;
  gte?: number;
}
interface FieldRules {
  required: boolean;
  string?: StringRules;
  number?: NumberRules;
  repeated?: { minItems?: number; maxItems?: number; items?: FieldRules };
}

export interface FieldViolation {
  field: string;
  description: string;
}

export interface CelRule {
  id: string;
  message: string;
  expression: string;
}

/** The CEL message rules of served requests, as JavaScript. Keyed by the rule's expression. */
const CEL_RULES: Record<string, (m: Record<string, unknown>) => boolean> = {
  '!(has(this.connector) && this.connection_names.size() > 0)': (m) =>
    !(m.connector !== undefined && (m.connectionNames as unknown[]).length > 0),
};

function readFieldRules(bytes: Uint8Array): FieldRules {
  const rules: FieldRules = { required: false };
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 25 && wt === WireType.Varint) rules.required = r.bool();
    else if (no === 14 && wt === WireType.LengthDelimited) rules.string = readStringRules(r.bytes());
    else if ((no === 3 || no === 5) && wt === WireType.LengthDelimited)
      rules.number = readNumberRules(r.bytes());
    else if (no === 18 && wt === WireType.LengthDelimited) rules.repeated = readRepeatedRules(r.bytes());
    else r.skip(wt);
  }
  return rules;
}

function readStringRules(bytes: Uint8Array): StringRules {
  const s: StringRules = {};
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 2 && wt === WireType.Varint) s.minLen = Number(r.uint64());
    else if (no === 3 && wt === WireType.Varint) s.maxLen = Number(r.uint64());
    else if (no === 6 && wt === WireType.LengthDelimited) {
      s.patternSource = r.string();
      s.pattern = new RegExp(s.patternSource, 'u');
    } else if (no === 7 && wt === WireType.LengthDelimited) s.prefix = r.string();
    else r.skip(wt);
  }
  return s;
}

function readNumberRules(bytes: Uint8Array): NumberRules {
  const n: NumberRules = {};
  const r = new BinaryReader(bytes);
  const keys: Record<number, keyof NumberRules> = { 2: 'lt', 3: 'lte', 4: 'gt', 5: 'gte' };
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    const key = keys[no];
    if (key && wt === WireType.Varint) n[key] = Number(r.int64());
    else r.skip(wt);
  }
  return n;
}

function readRepeatedRules(bytes: Uint8Array): NonNullable<FieldRules['repeated']> {
  const rep: NonNullable<FieldRules['repeated']> = {};
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no === 1 && wt === WireType.Varint) rep.minItems = Number(r.uint64());
    else if (no === 2 && wt === WireType.Varint) rep.maxItems = Number(r.uint64());
    else if (no === 4 && wt === WireType.LengthDelimited) rep.items = readFieldRules(r.bytes());
    else r.skip(wt);
  }
  return rep;
}

const extensionBytes = (options: { $unknown?: Array<{ no: number; data: Uint8Array }> } | undefined) => {
  const u = options?.$unknown?.find((x) => x.no === VALIDATE_EXT);
  return u ? new BinaryReader(u.data).bytes() : undefined;
};

const fieldRuleCache = new WeakMap<DescField, FieldRules | null>();
function rulesOf(field: DescField): FieldRules | null {
  let rules = fieldRuleCache.get(field);
  if (rules === undefined) {
    const bytes = extensionBytes(field.proto.options);
    rules = bytes ? readFieldRules(bytes) : null;
    fieldRuleCache.set(field, rules);
  }
  return rules;
}

/** The CEL rules of a message (`buf.validate.message.cel`). */
export function celRulesOf(message: DescMessage): CelRule[] {
  const bytes = extensionBytes(message.proto.options);
  if (!bytes) return [];
  const out: CelRule[] = [];
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    if (no !== 3 || wt !== WireType.LengthDelimited) {
      r.skip(wt);
      continue;
    }
    const rule: CelRule = { id: '', message: '', expression: '' };
    const c = new BinaryReader(r.bytes());
    while (c.pos < c.len) {
      const [cno, cwt] = c.tag();
      if (cwt !== WireType.LengthDelimited) c.skip(cwt);
      else if (cno === 1) rule.id = c.string();
      else if (cno === 2) rule.message = c.string();
      else if (cno === 3) rule.expression = c.string();
      else c.skip(cwt);
    }
    out.push(rule);
  }
  return out;
}

/** Whether a CEL rule is enforced (translated in CEL_RULES). */
export const isKnownCelRule = (rule: CelRule): boolean => rule.expression in CEL_RULES;

function checkString(path: string, v: string, s: StringRules, out: FieldViolation[]): void {
  const len = [...v].length;
  if (s.minLen !== undefined && len < s.minLen) {
    out.push({ field: path, description: `value length must be at least ${s.minLen} characters` });
  }
  if (s.maxLen !== undefined && len > s.maxLen) {
    out.push({ field: path, description: `value length must be at most ${s.maxLen} characters` });
  }
  if (s.pattern && !s.pattern.test(v)) {
    out.push({ field: path, description: `value does not match regex pattern \`${s.patternSource}\`` });
  }
  if (s.prefix !== undefined && !v.startsWith(s.prefix)) {
    out.push({ field: path, description: `value does not have prefix \`${s.prefix}\`` });
  }
}

function checkNumber(path: string, v: number, n: NumberRules, out: FieldViolation[]): void {
  if (n.lt !== undefined && !(v < n.lt))
    out.push({ field: path, description: `value must be less than ${n.lt}` });
  if (n.lte !== undefined && !(v <= n.lte)) {
    out.push({ field: path, description: `value must be less than or equal to ${n.lte}` });
  }
  if (n.gt !== undefined && !(v > n.gt))
    out.push({ field: path, description: `value must be greater than ${n.gt}` });
  if (n.gte !== undefined && !(v >= n.gte)) {
    out.push({ field: path, description: `value must be greater than or equal to ${n.gte}` });
  }
}

function checkValue(path: string, value: unknown, rules: FieldRules, out: FieldViolation[]): void {
  if (typeof value === 'string' && rules.string) checkString(path, value, rules.string, out);
  if (typeof value === 'number' && rules.number) checkNumber(path, value, rules.number, out);
}

const isZero = (v: unknown) => v === undefined || v === '' || v === 0 || v === false || v === 0n;

function walk(
  schema: DescMessage,
  msg: Record<string, unknown>,
  prefix: string,
  out: FieldViolation[],
): void {
  for (const field of schema.fields) {
    const path = prefix + field.name;
    const value = field.oneof ? oneofValue(msg, field) : msg[field.localName];
    const rules = rulesOf(field);
    const present = field.fieldKind === 'list' ? (value as unknown[]).length > 0 : !isZero(value);
    if (rules?.required && !present) {
      out.push({ field: path, description: 'value is required' });
      continue;
    }
    // Fields with presence (proto3 `optional`, messages) are checked only when set.
    const hasPresence =
      field.proto.proto3Optional || field.fieldKind === 'message' || field.oneof !== undefined;
    if (rules && !(hasPresence && value === undefined)) {
      if (field.fieldKind === 'list') {
        const items = value as unknown[];
        const rep = rules.repeated;
        if (rep?.minItems !== undefined && items.length < rep.minItems) {
          out.push({ field: path, description: `value must contain at least ${rep.minItems} item(s)` });
        }
        if (rep?.maxItems !== undefined && items.length > rep.maxItems) {
          out.push({ field: path, description: `value must contain no more than ${rep.maxItems} item(s)` });
        }
        const itemRules = rep?.items;
        if (itemRules)
          for (const [i, item] of items.entries()) checkValue(`${path}[${i}]`, item, itemRules, out);
      } else {
        checkValue(path, value, rules, out);
      }
    }
    if (
      field.fieldKind === 'message' &&
      value !== undefined &&
      field.message.typeName.startsWith('scalekit.')
    ) {
      walk(field.message, value as Record<string, unknown>, `${path}.`, out);
    }
  }
  for (const rule of celRulesOf(schema)) {
    const check = CEL_RULES[rule.expression];
    if (check && !check(msg)) out.push({ field: prefix.replace(/\.$/, ''), description: rule.message });
  }
}

function oneofValue(msg: Record<string, unknown>, field: DescField): unknown {
  const group = msg[field.oneof!.localName] as { case?: string; value?: unknown } | undefined;
  return group?.case === field.localName ? group.value : undefined;
}

/** Every rule violation of `message`; empty when it is valid. */
export function violationsOf<D extends DescMessage>(schema: D, message: Message): FieldViolation[] {
  const out: FieldViolation[] = [];
  walk(schema, message as unknown as Record<string, unknown>, '', out);
  return out;
}

/** Throws INVALID_ARGUMENT naming each offending field when `message` breaks its descriptor's rules. */
export function assertValid<D extends DescMessage>(schema: D, message: Message): void {
  const violations = violationsOf(schema, message);
  if (violations.length === 0) return;
  const text = violations.map((v) => `${v.field || 'request'}: ${v.description}`).join('; ');
  throw new AppError('INVALID_ARGUMENT', `Invalid request: ${text}`, {
    details: { field_violations: violations },
  });
}
