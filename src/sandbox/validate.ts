// Strict body validation the way WeChat Pay answers it (docs/protocol.md §1 "Body rules", §11 "Error bodies"):
// required fields, types, lengths (bytes unless a field says characters), patterns, formats, enums and undefined
// fields all answer 400 PARAM_ERROR worded as real answers are (param-rules.ts), one violation at a time.
import { paramError } from './api-error.js';
import {
  enumError,
  fourByteError,
  integerError,
  lengthError,
  nullError,
  patternError,
  rangeError,
  requiredError,
  rfc3339Error,
  textLength,
  typeError,
  undefinedFieldsError,
  type LengthUnit,
} from './param-rules.js';

export type Schema =
  | {
      type: 'string';
      min?: number;
      max?: number;
      /** How min/max count; default bytes, production's usual rule (docs/protocol.md §11 "Length rules"). */
      unit?: LengthUnit;
      pattern?: RegExp;
      format?: 'rfc3339';
      enum?: readonly string[];
      required?: boolean;
      label?: string;
    }
  | { type: 'integer'; min?: number; max?: number; required?: boolean; label?: string }
  | { type: 'boolean'; required?: boolean; label?: string }
  | { type: 'array'; items: Schema; maxItems?: number; required?: boolean; label?: string }
  | { type: 'object'; fields: Record<string, Schema>; required?: boolean; label?: string };

type StringSchema = Extract<Schema, { type: 'string' }>;

const FOUR_BYTE_UTF8 = /[\u{10000}-\u{10FFFF}]/u;
/** RFC 3339 with an offset, e.g. 2018-06-08T10:34:56+08:00. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function checkString(schema: StringSchema, value: unknown, source: string, label: string): void {
  if (typeof value !== 'string') throw typeError(source, label, 'string', typeName(value));
  if (FOUR_BYTE_UTF8.test(value)) throw fourByteError(source, label);
  const unit = schema.unit ?? 'bytes';
  const length = textLength(value, unit);
  if (schema.min !== undefined && length < schema.min)
    throw lengthError(source, label, length, { unit, bound: schema.min, side: 'min' });
  if (schema.max !== undefined && length > schema.max)
    throw lengthError(source, label, length, { unit, bound: schema.max, side: 'max' });
  if (schema.format === 'rfc3339' && (!RFC3339.test(value) || Number.isNaN(Date.parse(value))))
    throw rfc3339Error(source, label, value);
  if (schema.pattern && !schema.pattern.test(value)) throw patternError(source, label, schema.pattern, value);
  if (schema.enum && !schema.enum.includes(value)) throw enumError(source, label, schema.enum, value);
}

function checkInteger(schema: Extract<Schema, { type: 'integer' }>, value: unknown, source: string, label: string) {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw integerError(source, label, value);
  if ((schema.min !== undefined && value < schema.min) || (schema.max !== undefined && value > schema.max))
    throw rangeError(source, label, value);
}

function checkObject(schema: Extract<Schema, { type: 'object' }>, value: unknown, pointer: string, label: string) {
  const source = `/body${pointer}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw typeError(source, label, 'object', typeName(value));
  const obj = value as Record<string, unknown>;
  const undefinedFields = Object.keys(obj)
    .filter((key) => !(key in schema.fields))
    .map((key) => `/body${pointer}/${escapePointer(key)}`);
  if (undefinedFields.length) throw undefinedFieldsError(undefinedFields);
  for (const [key, sub] of Object.entries(schema.fields)) {
    const p = `${pointer}/${escapePointer(key)}`;
    if (obj[key] === undefined) {
      if (sub.required) throw requiredError(`/body${p}`, sub.label ?? key);
      continue;
    }
    validate(sub, obj[key], p);
  }
}

/** Throws the first violation found, like the real server (which reports one field at a time). */
export function validate(schema: Schema, value: unknown, pointer = ''): void {
  const label = schema.label ?? (pointer.split('/').pop() || 'body');
  const source = `/body${pointer}`;
  if (value === null) throw nullError(source);
  switch (schema.type) {
    case 'string':
      return checkString(schema, value, source, label);
    case 'integer':
      return checkInteger(schema, value, source, label);
    case 'boolean':
      if (typeof value !== 'boolean') throw typeError(source, label, 'boolean', typeName(value));
      return;
    case 'array':
      if (!Array.isArray(value)) throw typeError(source, label, 'array', typeName(value));
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        throw rangeError(source, label, value.length);
      value.forEach((item, i) => validate(schema.items, item, `${pointer}/${i}`));
      return;
    case 'object':
      return checkObject(schema, value, pointer, label);
  }
}

/** Parses a JSON body; anything that is not a JSON object is a PARAM_ERROR at the body root. */
export function parseBody(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw paramError('请求体不是合法的JSON', 'body');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw paramError('请求体必须是JSON对象', 'body');
  return value as Record<string, unknown>;
}

/** The JSON body of a request, validated against its schema. */
export function bodyOf(raw: Buffer, schema: Schema): Record<string, unknown> {
  const body = parseBody(raw);
  validate(schema, body);
  return body;
}
