// Batch flow control: the token bucket (rate, burst, FREQUENCY_LIMITED slow-down and recovery) on a fake
// clock, the bounded pool on fake timers, and the progress line.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter, runPool, type FlowClock } from '../../src/batch/flow.js';
import { formatDuration, progressLine, ProgressBar } from '../../src/batch/progress.js';

function fakeClock(): FlowClock & { t: number } {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
  return c;
}

describe('RateLimiter', () => {
  it('spaces requests at the configured rate after the burst', async () => {
    const clock = fakeClock();
    const rl = new RateLimiter({ rate: 10, burst: 1, clock });
    for (let i = 0; i < 5; i++) await rl.take();
    expect(clock.t).toBe(400);
  });

  it('serves concurrent callers in arrival order', async () => {
    const clock = fakeClock();
    const rl = new RateLimiter({ rate: 100, burst: 1, clock });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => rl.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('halves the rate once per second on FREQUENCY_LIMITED, pauses everyone, and climbs back on success', async () => {
    const clock = fakeClock();
    const rl = new RateLimiter({ rate: 50, burst: 1, pauseMs: 1000, clock });
    rl.onRateLimited();
    rl.onRateLimited();
    rl.onRateLimited();
    expect(rl.rate).toBe(25);
    expect(rl.slowdowns).toBe(1);
    await rl.take();
    expect(clock.t).toBeGreaterThanOrEqual(1000);
    clock.t += 1000;
    rl.onRateLimited();
    expect(rl.rate).toBe(12.5);
    for (let i = 0; i < 100; i++) rl.onSuccess();
    expect(rl.rate).toBe(50);
  });

  it('never goes below its floor, and eases off less on other failures', () => {
    const clock = fakeClock();
    const rl = new RateLimiter({ rate: 50, clock });
    for (let i = 0; i < 20; i++) {
      clock.t += 1000;
      rl.onRateLimited();
    }
    expect(rl.rate).toBe(1);
    const other = new RateLimiter({ rate: 50, clock });
    clock.t += 1000;
    other.onFailure();
    expect(other.rate).toBe(40);
  });
});

describe('runPool', () => {
  // Each item takes 1-2 ms of fake time, so the lanes interleave in a fixed order and nothing waits in real time.
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('keeps at most `concurrency` workers busy and stops taking items when told', async () => {
    let busy = 0;
    let peak = 0;
    const seen: number[] = [];
    const run = runPool(
      [...Array(20).keys()],
      3,
      async (i) => {
        busy++;
        peak = Math.max(peak, busy);
        await new Promise((r) => setTimeout(r, 1));
        seen.push(i);
        busy--;
      },
      () => seen.length >= 10,
    );
    await vi.runAllTimersAsync();
    await run;
    expect(peak).toBe(3);
    // Three lanes finish an item each per millisecond: the round that reaches 10 ends at 12, then nothing starts.
    expect(seen).toEqual([...Array(12).keys()]);
  });

  it('lets in-flight items finish and rethrows the first error', async () => {
    const done: number[] = [];
    const run = runPool([1, 2, 3, 4, 5], 2, async (i) => {
      if (i === 2) throw new Error('journal full');
      await new Promise((r) => setTimeout(r, 2));
      done.push(i);
    });
    const settled = expect(run).rejects.toThrow('journal full');
    await vi.runAllTimersAsync();
    await settled;
    // Item 1 was in flight when 2 failed: it finishes; no lane takes another item after the failure.
    expect(done).toEqual([1]);
  });
});

describe('progress', () => {
  it('shows done, failed, rate and ETA', () => {
    expect(progressLine(100, { done: 50, failed: 2 }, 10_000, 0, 80)).toBe(
      `[${'#'.repeat(20)}${'-'.repeat(20)}] 50/100 failed 2 5.0/s ETA 00:10`,
    );
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Infinity)).toBe('--:--');
  });

  it('redraws in place at most every 100 ms and ends with a newline', () => {
    let t = 0;
    const writes: string[] = [];
    const bar = new ProgressBar({ write: (s) => writes.push(s) > 0 }, 10, { done: 0, failed: 0 }, () => t);
    bar.update({ done: 1, failed: 0 });
    t = 50;
    bar.update({ done: 2, failed: 0 });
    t = 150;
    bar.update({ done: 3, failed: 1 });
    bar.finish();
    expect(writes).toHaveLength(4);
    expect(writes[0]).toMatch(/^\r\[#/);
    expect(writes[3]).toBe('\n');
  });
});
