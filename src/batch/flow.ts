// Batch flow control (docs/protocol.md §8 and the refund limits in docs/protocol.md §5: 150 qps, 6 qps for failing requests):
// a token bucket shared by all workers, which halves its rate and pauses on FREQUENCY_LIMITED, eases off
// on other failures, and climbs back toward the configured rate as requests succeed (AIMD). Also the
// bounded worker pool. The clock is injected so the arithmetic is tested without waiting.

export interface FlowClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: FlowClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface RateLimiterOptions {
  /** Tokens per second the batch aims for. */
  rate: number;
  /** Tokens that may be spent at once after idling; default a tenth of a second's worth (at least 1). */
  burst?: number;
  /** How long every worker waits after a FREQUENCY_LIMITED answer. */
  pauseMs?: number;
  clock?: FlowClock;
}

export class RateLimiter {
  readonly target: number;
  private current: number;
  private readonly burst: number;
  private readonly minRate: number;
  private readonly pauseMs: number;
  private readonly clock: FlowClock;
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private lastDecrease = -Infinity;
  private tail: Promise<void> = Promise.resolve();
  /** How many times the batch was slowed down by FREQUENCY_LIMITED. */
  slowdowns = 0;

  constructor(opts: RateLimiterOptions) {
    if (!(opts.rate > 0)) throw new RangeError('rate must be > 0');
    this.target = opts.rate;
    this.current = opts.rate;
    this.burst = opts.burst ?? Math.max(1, opts.rate / 10);
    this.minRate = Math.min(opts.rate, Math.max(1, opts.rate / 50));
    this.pauseMs = opts.pauseMs ?? 1000;
    this.clock = opts.clock ?? realClock;
    this.tokens = Math.min(1, this.burst);
    this.last = this.clock.now();
  }

  get rate(): number {
    return this.current;
  }

  /** Waits for a token. Callers are served in arrival order. */
  take(): Promise<void> {
    const turn = this.tail.then(() => this.acquire());
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.current);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.max(1, Math.ceil(((1 - this.tokens) / this.current) * 1000)));
    }
  }

  /** FREQUENCY_LIMITED (429): halve the rate (once per second, however many workers saw it) and pause everyone. */
  onRateLimited(): void {
    const now = this.clock.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + this.pauseMs);
    this.tokens = 0;
    this.last = Math.max(this.last, now);
    if (now - this.lastDecrease < 1000) return;
    this.lastDecrease = now;
    this.slowdowns++;
    this.current = Math.max(this.minRate, this.current / 2);
  }

  /** A 5xx, timeout or network error: ease off a little, since failing requests have a far lower limit. */
  onFailure(): void {
    const now = this.clock.now();
    if (now - this.lastDecrease < 1000) return;
    this.lastDecrease = now;
    this.current = Math.max(this.minRate, this.current * 0.8);
  }

  onSuccess(): void {
    if (this.current < this.target)
      this.current = Math.min(this.target, this.current + Math.max(0.5, this.target / 50));
  }
}

/**
 * Runs `worker` over the items with at most `concurrency` at a time; stops taking new items once `stopped()`.
 * If a worker throws, no new items start, the ones in flight finish, and the first error is rethrown.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !stopped() && !failure) {
      try {
        await worker(items[next++]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  if (failure) throw failure.error;
}
