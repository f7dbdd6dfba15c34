// docs/protocol.md §8 retry policy in one place: which outcomes are worth another attempt, and how long to wait.
// Only the caller knows whether a request is safe to repeat (GET, or a POST whose idempotency key is in the
// body); this file only answers "is this outcome transient" and "how long to back off".

/** 202 means "accepted, not processed: repeat with the same parameters"; 429 and 5xx are transient. */
export function isRetriableStatus(status: number): boolean {
  return status === 202 || status === 429 || status >= 500;
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

/** The connection was never established, so nothing reached the server: safe to send elsewhere, even a POST. */
export function isConnectError(err: unknown): boolean {
  return codesOf(err).some((c) => CONNECT_CODES.has(c));
}

export function isTimeoutError(err: unknown): boolean {
  const codes = codesOf(err);
  const name = (err as { name?: string } | undefined)?.name;
  return (
    name === 'TimeoutError' ||
    codes.includes('UND_ERR_HEADERS_TIMEOUT') ||
    codes.includes('UND_ERR_BODY_TIMEOUT') ||
    codes.includes('UND_ERR_CONNECT_TIMEOUT')
  );
}

/** Seconds from a Retry-After header (delta-seconds only), capped; undefined when absent or unparsable. */
export function retryAfterMs(header: string | undefined, capMs = 10_000): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(Number(header.trim()) * 1000, capMs);
}

/**
 * Exponential backoff with full jitter: attempt 1 waits up to base, attempt 2 up to 2×base, …
 * Full jitter spreads concurrent batch workers apart instead of retrying in lock-step.
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random, floorMs = 0): number {
  const ceiling = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.max(floorMs, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}
