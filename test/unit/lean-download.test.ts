import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { leanDownload, nudger } from '../../src/http/lean-download.js';

/** Resolves with the first young-generation collection the observer sees. */
function nextMinorGc(): Promise<number> {
  return new Promise((resolve) => {
    const obs = new PerformanceObserver((list) => {
      const minor = list
        .getEntries()
        .find((e) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR);
      if (minor) {
        obs.disconnect();
        resolve(minor.duration);
      }
    });
    obs.observe({ entryTypes: ['gc'] });
  });
}

describe('leanDownload (issue 19: a bill download peak RSS)', () => {
  it('runs a young-generation collection once 512 KB more have been received, without a global gc', async () => {
    const hadGc = 'gc' in globalThis;
    const nudge = leanDownload();
    const seen = nextMinorGc();
    nudge(512 * 1024);
    expect(await seen).toBeGreaterThanOrEqual(0);
    // The collector comes from a fresh vm context: the program's own global object is left as it was.
    expect('gc' in globalThis).toBe(hadGc);
  });

  it('nudges once per 512 KB received, not before and not twice for the same stretch', () => {
    let collections = 0;
    const nudge = nudger(512 * 1024, () => collections++);
    nudge(100);
    nudge(512 * 1024 - 1);
    expect(collections).toBe(0);
    nudge(512 * 1024);
    expect(collections).toBe(1);
    nudge(512 * 1024 + 1);
    nudge(2 * 512 * 1024 - 1);
    expect(collections).toBe(1);
    nudge(2 * 512 * 1024);
    expect(collections).toBe(2);
    // A chunk larger than the step: one collection, and the next is a full step later.
    nudge(5 * 512 * 1024);
    nudge(6 * 512 * 1024 - 1);
    expect(collections).toBe(3);
  });
});
