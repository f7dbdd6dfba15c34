// The state one batch run shares across its rows (runner.ts): the defaults of the run options, a pause a stop
// (Ctrl-C) cuts short, the journal's clock, and the feedback that lets the rate limiter slow down or speed up.
import type { PlannedRow } from './plan.js';
import type { RunOptions } from './runner.js';
import type { Outcome, RowResult } from './types.js';

/** Exponential back-off from 100 ms, capped at 2 s, with jitter so rows retried together spread out. */
export const defaultRetryDelay = (attempt: number): number => {
  const ceiling = Math.min(2000, 100 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
};

/** What every row of one run shares: the options, the clock, the stop flag and where results go. */
export interface RunContext {
  o: RunOptions;
  maxAttempts: number;
  delay: (attempt: number) => number;
  now: () => number;
  stopped: () => boolean;
  /** Sleeps in half-second slices, so a stop (Ctrl-C) during a long wait is seen at once. */
  pause: (ms: number) => Promise<void>;
  at: () => string;
  inFlight: { windowMs: number; now: () => number; wait: (ms: number) => Promise<void> };
  finish: (p: PlannedRow, r: RowResult) => void;
  /** Tells the rate limiter how WeChat Pay answered, so it slows down or speeds up. */
  feed: (out: Outcome) => void;
}

/** Fills in the defaults of the run options; results are recorded in `results` and reported as they arrive. */
export function runContext(o: RunOptions, results: Map<PlannedRow, RowResult>): RunContext {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const stopped = o.stopped ?? (() => false);
  const pause = async (ms: number) => {
    for (let left = ms; left > 0 && !stopped(); left -= 500) await sleep(Math.min(500, left));
  };
  return {
    o,
    maxAttempts: o.maxAttempts ?? 8,
    delay: o.retryDelayMs ?? defaultRetryDelay,
    now,
    stopped,
    pause,
    at: () => new Date(now()).toISOString(),
    inFlight: { windowMs: o.inFlightMs, now, wait: pause },
    finish: (p, r) => {
      results.set(p, r);
      o.onResult?.(r);
    },
    feed: (out) => {
      if (out.kind !== 'unknown') o.limiter.onSuccess();
      else if (out.rateLimited) o.limiter.onRateLimited();
      else o.limiter.onFailure();
    },
  };
}
