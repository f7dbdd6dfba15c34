// docs/protocol.md §8: WeChat Pay's error body `{code, message, detail}` with the real HTTP statuses. Route handlers
// throw these; the server turns them into unsigned non-2xx answers.

export interface ApiErrorDetail {
  field?: string;
  value?: unknown;
  issue?: string;
  location?: ParamLocation;
  [key: string]: unknown;
}

/** Where a PARAM_ERROR's value was found; `null` as real answers give it for some body errors. */
export type ParamLocation = 'body' | 'query' | 'uri_template' | 'header' | 'authorization' | null;

export class SandboxApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: ApiErrorDetail,
  ) {
    super(message);
  }

  body(): { code: string; message: string; detail?: ApiErrorDetail } {
    return { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

/**
 * 400 PARAM_ERROR in the shape real answers have (docs/protocol.md §11 "Error bodies"): the message names the
 * field ("输入源“/body/attach”…"), and `detail` is only `{location, value}`; for a length rule `value` is the
 * measured length. No `field`/`issue`: an app that reads them would pass here and fail live.
 */
export const paramError = (message: string, location: ParamLocation = 'body', value?: unknown) =>
  new SandboxApiError(400, 'PARAM_ERROR', message, { location, value });

export const invalidRequest = (message: string) => new SandboxApiError(400, 'INVALID_REQUEST', message);

export const orderNotExist = () => new SandboxApiError(404, 'ORDER_NOT_EXIST', '订单不存在');

export const resourceNotExists = (message = '资源不存在') => new SandboxApiError(404, 'RESOURCE_NOT_EXISTS', message);

export const systemError = () => new SandboxApiError(500, 'SYSTEM_ERROR', '系统异常，请稍后重试');

export const frequencyLimited = (message = '请求频率超限，请降低频率后重试') =>
  new SandboxApiError(429, 'FREQUENCY_LIMITED', message);

/** Request-ID: 44 upper-case hex plus `-<internal code>`; 0 on success (not WeChat's real internal codes). */
export function requestId(counter: number, code?: string): string {
  const hex = (
    Date.now().toString(16) +
    counter.toString(16).padStart(8, '0') +
    Math.random().toString(16).slice(2)
  ).toUpperCase();
  // All hex already (toString(16) never writes an exponent; slice(2) drops the "0."): pad and cut only.
  const body = hex.padEnd(44, '0').slice(0, 44);
  return `${body}-${code ? (INTERNAL_CODES[code] ?? 268435456) : 0}`;
}

const INTERNAL_CODES: Record<string, number> = {
  SIGN_ERROR: 268435461,
  PARAM_ERROR: 268435457,
  INVALID_REQUEST: 268435458,
  ORDER_NOT_EXIST: 268435459,
  RESOURCE_NOT_EXISTS: 268435460,
  SYSTEM_ERROR: 268435462,
  FREQUENCY_LIMITED: 268435463,
};
