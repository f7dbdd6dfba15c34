// The wording of WeChat Pay's PARAM_ERROR answers (docs/protocol.md §11 "Error bodies"), one builder per rule, and
// the length measure the rules use. Real answers quoted in developer threads name the source and the field
// ("输入源“/body/out_trade_no”映射到值字段“商户订单号”…"), count lengths in bytes (字节数) for most fields and in
// characters (字符数) for a few, and carry `detail: {location, value}` where `value` is the measured length.
// Family routes (transfers, profit sharing, …) reuse these through `validate()` or directly.
import { paramError, type ParamLocation } from './api-error.js';

/** Appended where the sandbox refuses what production is not known to refuse. */
export const STRICTER = '(sandbox: stricter than production)';

/** How a length rule counts: UTF-8 bytes (production's usual rule) or Unicode characters. */
export type LengthUnit = 'bytes' | 'chars';

/** The length a rule measures: UTF-8 bytes, or code points (a 3-byte 汉 is 1 character and 3 bytes). */
export const textLength = (value: string, unit: LengthUnit): number =>
  unit === 'bytes' ? Buffer.byteLength(value, 'utf8') : [...value].length;

/** `/body/amount/total` from `/amount/total`; query and path sources are named the same way. */
export const sourceOf = (location: ParamLocation, pointerOrName: string): string =>
  location === 'uri_template' || location === 'query'
    ? `/${location}/${pointerOrName.replace(/^\//, '')}`
    : `/body${pointerOrName}`;

const valueField = (source: string, label: string) => `输入源“${source}”映射到值字段“${label}”`;

/** "…字符串规则校验失败，字节数 203，大于最大值 128", value = the measured length (captured answers). */
export function lengthError(
  source: string,
  label: string,
  length: number,
  rule: { unit: LengthUnit; bound: number; side: 'min' | 'max' },
  location: ParamLocation = 'body',
) {
  const counted = rule.unit === 'bytes' ? '字节数' : '字符数';
  const relation = rule.side === 'max' ? '大于最大值' : '小于最小值';
  return paramError(
    `${valueField(source, label)}字符串规则校验失败，${counted} ${length}，${relation} ${rule.bound}`,
    location,
    length,
  );
}

export const requiredError = (source: string, label: string, location: ParamLocation = 'body') =>
  paramError(`输入源“${source}”映射到字段“${label}”必填性规则校验失败，此字段为必填项`, location);

export const patternError = (
  source: string,
  label: string,
  pattern: RegExp,
  value: unknown,
  location: ParamLocation = 'body',
) =>
  paramError(
    `${valueField(source, label)}字符串规则校验失败，字符串必须匹配正则表达式“${pattern.source}”`,
    location,
    value,
  );

export const integerError = (source: string, label: string, value: unknown) =>
  paramError(`${valueField(source, label)}类型校验失败，此字段需要一个合法的 64 位有符号整数`, 'body', value);

export const rfc3339Error = (source: string, label: string, value: unknown) =>
  paramError(`${valueField(source, label)}字符串规则校验失败，必须是符合 RFC3339 日期时间格式`, 'body', value);

export const typeError = (source: string, label: string, expected: string, value: unknown) =>
  paramError(`${valueField(source, label)}类型校验失败，应为${expected}`, 'body', value);

export const rangeError = (source: string, label: string, value: unknown) =>
  paramError(`${valueField(source, label)}取值范围校验失败`, 'body', value);

export const enumError = (
  source: string,
  label: string,
  allowed: readonly string[],
  value: unknown,
  location: ParamLocation = 'body',
) => paramError(`${valueField(source, label)}枚举值校验失败，可选值为${allowed.join('|')}`, location, value);

/** One answer naming every undefined field, as the captured refund answer does (`value` lists the sources). */
export const undefinedFieldsError = (sources: string[]) =>
  paramError(`请求中含有未在API文档中定义的参数 ${STRICTER}`, null, sources);

export const nullError = (source: string) => paramError(`输入源“${source}”不能为null ${STRICTER}`, 'body', null);

export const fourByteError = (source: string, label: string) =>
  paramError(`${valueField(source, label)}字符串规则校验失败，含有4字节的UTF-8字符`, 'body');
