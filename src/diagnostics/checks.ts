// The one check-result shape of the doctor (`config check`, `config init`), `smoke` and the demo's config step,
// printed by one printer (command-kit/print-checks.ts) and written to JUnit by smoke.
import { isWxpayError, type ErrorCode } from '../protocol/errors.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  message: string;
  hint?: string;
  /** The error code a fail maps to (smoke: its exit code decides the process's). */
  code?: ErrorCode;
  requestId?: string;
  /** The checks a summary row stands for (smoke's "config" row holds the doctor's). */
  details?: CheckResult[];
  /** How long it took (smoke). */
  ms?: number;
}

/** The worst status among checks: fail over warn over pass. */
export const worstStatus = (checks: ReadonlyArray<{ status: CheckStatus }>): CheckStatus =>
  checks.some((c) => c.status === 'fail') ? 'fail' : checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';

/** A check that threw: its message, and the hint when the error is a WxpayError. */
export function failedCheck(name: string, e: unknown): CheckResult {
  const hint = isWxpayError(e) ? e.hint : undefined;
  return { name, status: 'fail', message: (e as Error).message, ...(hint ? { hint } : {}) };
}
