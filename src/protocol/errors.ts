// One error type for the whole toolkit. Every code maps to one exit code (docs/architecture.md, "Errors and exit codes"):
// 0 ok, 1 internal bug, 2 usage, 3 config or key, 4 network, 5 WeChat Pay rejected, 6 verification, 7 decryption,
// 8 the results differ from what was expected (bill reconcile, fixtures run).

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  config: 3,
  network: 4,
  wechatpay: 5,
  verify: 6,
  decrypt: 7,
  differences: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means: the one source of `wxpay help exit-codes` and the README's table (a test compares them). */
export const EXIT_MEANINGS: Readonly<Record<ExitCode, string>> = {
  0: 'success',
  1: 'internal error (a bug in wxpay)',
  2: 'usage error (bad flags or arguments)',
  3:
    'configuration or key problem; a server that cannot listen (LISTEN_FAILED: the port is in use or refused, the hint ' +
    'names it and --port) or open its journal (JOURNAL_UNWRITABLE); a store whose schema is behind this version ' +
    '(STORE_SCHEMA_BEHIND: run wxpay webhook migrate) or ahead of it (STORE_SCHEMA_NEWER), or a migration that failed ' +
    '(STORE_MIGRATION_FAILED)',
  4: 'network error or timeout; a store that cannot be reached (STORE_UNREACHABLE)',
  5: 'WeChat Pay rejected the request (its code, message, detail and Request-ID are shown)',
  6: 'signature, timestamp or hash verification failed',
  7: 'decryption failed',
  8:
    'the results differ from what was expected: bill reconcile found differences (its report, always written, lists ' +
    'them), or a fixtures run expect did not hold (named by step and path)',
};

/** The stable error codes. Renaming one is a breaking change. */
export const ERROR_CODES = {
  INTERNAL: EXIT.internal,
  USAGE: EXIT.usage,
  FILE_UNSAFE: EXIT.usage,
  CONFIG_NOT_FOUND: EXIT.config,
  CONFIG_INVALID: EXIT.config,
  CONFIG_LITERAL_SECRET: EXIT.config,
  CONFIG_UNSAFE: EXIT.config,
  CONFIG_SPLIT_SOURCES: EXIT.config,
  CONFIG_FOREIGN_HOST: EXIT.config,
  KEY_LOAD_FAILED: EXIT.config,
  KEY_CERT_MISMATCH: EXIT.config,
  APIV3_KEY_INVALID: EXIT.config,
  CONFIG_CHECK_FAILED: EXIT.config,
  LISTEN_FAILED: EXIT.config,
  JOURNAL_UNWRITABLE: EXIT.config,
  STORE_SCHEMA_BEHIND: EXIT.config,
  STORE_SCHEMA_NEWER: EXIT.config,
  STORE_MIGRATION_FAILED: EXIT.config,
  STORE_UNREACHABLE: EXIT.network,
  CONFIG_SHARED_SERIAL: EXIT.config,
  NETWORK: EXIT.network,
  TIMEOUT: EXIT.network,
  WECHATPAY_ERROR: EXIT.wechatpay,
  BATCH_INVALID_FILE: EXIT.usage,
  BATCH_JOURNAL_INVALID: EXIT.usage,
  BATCH_JOURNAL_CONFLICT: EXIT.usage,
  BATCH_JOURNAL_WRITE: EXIT.internal,
  BATCH_REJECTED: EXIT.wechatpay,
  BATCH_ALREADY_REFUNDED: EXIT.wechatpay,
  BATCH_REFUND_EXCEEDS_TOTAL: EXIT.wechatpay,
  BATCH_ORDERS_IN_OTHER_JOURNAL: EXIT.usage,
  BATCH_INCOMPLETE: EXIT.network,
  BATCH_INTERRUPTED: EXIT.network,
  DEMO_INTERRUPTED: EXIT.network,
  CODEPAY_REVERSED: EXIT.network,
  CODEPAY_UNRESOLVED: EXIT.network,
  CODEPAY_NOT_PAID: EXIT.wechatpay,
  VERIFY_MISSING_HEADER: EXIT.verify,
  VERIFY_TIMESTAMP: EXIT.verify,
  VERIFY_UNKNOWN_SERIAL: EXIT.verify,
  VERIFY_PROBE: EXIT.verify,
  VERIFY_BAD_SIGNATURE: EXIT.verify,
  VERIFY_UNSIGNED: EXIT.verify,
  RESPONSE_TOO_LARGE: EXIT.verify,
  HASH_MISMATCH: EXIT.verify,
  BILL_CORRUPT: EXIT.verify,
  DECRYPT_FAILED: EXIT.decrypt,
  DECRYPT_TRUNCATED: EXIT.decrypt,
  DECRYPT_UNSUPPORTED: EXIT.decrypt,
  NOTIFY_NOT_JSON: EXIT.verify,
  NOTIFY_BAD_RESOURCE: EXIT.decrypt,
  NOTIFY_DELIVERY_FAILED: EXIT.network,
  NOTIFY_PROBE_ACCEPTED: EXIT.verify,
  RECONCILE_MISMATCH: EXIT.differences,
  FIXTURE_INVALID: EXIT.usage,
  FIXTURE_REF_MISSING: EXIT.usage,
  FIXTURE_WAIT_TIMEOUT: EXIT.network,
  FIXTURE_EXPECT_FAILED: EXIT.differences,
} as const satisfies Record<string, ExitCode>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** What WeChat Pay said, when it was WeChat Pay that said no. */
export interface WechatpayErrorBody {
  status: number;
  code: string;
  message: string;
  detail?: unknown;
}

export interface WxpayErrorOptions {
  hint: string;
  cause?: unknown;
  requestId?: string;
  wechatpay?: WechatpayErrorBody;
  /** Extra facts for --json and --explain output; never secrets. */
  details?: Record<string, unknown>;
}

export class WxpayError extends Error {
  override readonly name = 'WxpayError';
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string;
  readonly requestId?: string;
  readonly wechatpay?: WechatpayErrorBody;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: WxpayErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = ERROR_CODES[code];
    this.hint = options.hint;
    if (options.requestId !== undefined) this.requestId = options.requestId;
    if (options.wechatpay !== undefined) this.wechatpay = options.wechatpay;
    if (options.details !== undefined) this.details = options.details;
  }

  /** The shape printed under {"error": ...} with --json. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      exitCode: this.exitCode,
      ...(this.requestId ? { requestId: this.requestId } : {}),
      ...(this.wechatpay ? { wechatpay: this.wechatpay } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const isWxpayError = (e: unknown): e is WxpayError => e instanceof WxpayError;

export const usageError = (message: string, hint: string): WxpayError => new WxpayError('USAGE', message, { hint });
