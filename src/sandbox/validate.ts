// Strict body validation the way WeChat Pay does it (docs/protocol.md §1 "Body rules", §8): required fields, types,
// lengths, patterns and undefined extra fields all answer 400 PARAM_ERROR with `detail.field` as a JSON pointer.
import { paramError } from './api-error.js';

export type Schema =
  | {
      type: 'string';
      min?: number;
      max?: number;
      pattern?: RegExp;
      enum?: readonly string[];
      required?: boolean;
      label?: string;
    }
  | { type: 'integer'; min?: number; max?: number; required?: boolean; label?: string }
  | { type: 'boolean'; required?: boolean; label?: string }
  | { type: 'array'; items: Schema; maxItems?: number; required?: boolean; label?: string }
  | { type: 'object'; fields: Record<string, Schema>; required?: boolean; label?: string };

const FOUR_BYTE_UTF8 = /[\u{10000}-\u{10FFFF}]/u;

const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Throws the first violation found, like the real server (which reports one field at a time). */
export function validate(schema: Schema, value: unknown, pointer = ''): void {
  const label = schema.label ?? (pointer.split('/').pop() || 'body');
  const where = `/body${pointer}`;
  if (value === null)
    throw paramError(pointer, `${label} must not be null`, 'body', null, `输入源“${where}”不能为null`);
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string')
        throw paramError(
          pointer,
          `${label} must be a string, got ${typeName(value)}`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”类型校验失败,应为string`,
        );
      if (FOUR_BYTE_UTF8.test(value))
        throw paramError(
          pointer,
          `${label} contains a 4-byte UTF-8 character`,
          'body',
          value,
          `输入源“${where}”含有4字节的UTF-8字符`,
        );
      // eslint-disable-next-line @typescript-eslint/no-misused-spread -- WeChat Pay counts code points, not UTF-16 units
      const len = [...value].length;
      if (schema.min !== undefined && len < schema.min)
        throw paramError(
          pointer,
          `${label} is shorter than ${schema.min}`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”长度校验失败`,
        );
      if (schema.max !== undefined && len > schema.max)
        throw paramError(
          pointer,
          `${label} is longer than ${schema.max}`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”长度校验失败`,
        );
      if (schema.pattern && !schema.pattern.test(value))
        throw paramError(
          pointer,
          `${label} has an invalid format`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”格式校验失败`,
        );
      if (schema.enum && !schema.enum.includes(value))
        throw paramError(
          pointer,
          `${label} must be one of ${schema.enum.join('|')}`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”枚举值校验失败`,
        );
      return;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        throw paramError(
          pointer,
          `${label} must be an integer, got ${typeName(value)}`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”类型校验失败,应为integer`,
        );
      if (schema.min !== undefined && value < schema.min)
        throw paramError(
          pointer,
          `${label} must be at least ${schema.min}`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”取值范围校验失败`,
        );
      if (schema.max !== undefined && value > schema.max)
        throw paramError(
          pointer,
          `${label} must be at most ${schema.max}`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”取值范围校验失败`,
        );
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean')
        throw paramError(
          pointer,
          `${label} must be a boolean, got ${typeName(value)}`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”类型校验失败,应为boolean`,
        );
      return;
    case 'array': {
      if (!Array.isArray(value))
        throw paramError(
          pointer,
          `${label} must be an array, got ${typeName(value)}`,
          'body',
          value,
          `输入源“${where}”映射到字段“${label}”类型校验失败,应为array`,
        );
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        throw paramError(
          pointer,
          `${label} has more than ${schema.maxItems} items`,
          'body',
          undefined,
          `输入源“${where}”映射到字段“${label}”长度校验失败`,
        );
      value.forEach((item, i) => validate(schema.items, item, `${pointer}/${i}`));
      return;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value))
        throw paramError(
          pointer,
          `${label} must be an object, got ${typeName(value)}`,
          'body',
          undefined,
          `输入源“${where}”映射到字段“${label}”类型校验失败,应为object`,
        );
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        if (!(key in schema.fields))
          throw paramError(
            `${pointer}/${escapePointer(key)}`,
            `undefined field ${key}`,
            'body',
            undefined,
            '参数中含有非法的额外参数',
          );
      }
      for (const [key, sub] of Object.entries(schema.fields)) {
        const p = `${pointer}/${escapePointer(key)}`;
        if (obj[key] === undefined) {
          if (sub.required)
            throw paramError(
              p,
              `${sub.label ?? key} is required`,
              'body',
              undefined,
              `输入源“/body${p}”映射到字段“${sub.label ?? key}”必填性规则校验失败,此字段为必填项`,
            );
          continue;
        }
        validate(sub, obj[key], p);
      }
    }
  }
}

/** Parses a JSON body; anything that is not a JSON object is a PARAM_ERROR at the body root. */
export function parseBody(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw paramError('', 'the body is not valid JSON', 'body', undefined, '请求体不是合法的JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw paramError('', 'the body must be a JSON object', 'body', undefined, '请求体必须是JSON对象');
  return value as Record<string, unknown>;
}

/** The JSON body of a request, validated against its schema. */
export function bodyOf(raw: Buffer, schema: Schema): Record<string, unknown> {
  const body = parseBody(raw);
  validate(schema, body);
  return body;
}
