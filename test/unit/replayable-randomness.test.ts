// Random test inputs can be replayed (issue 15): every property runs through test/helpers/fc.ts, which seeds it
// from WXPAY_FC_SEED (else a fresh seed) and, on failure, prints the command that replays the run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fc, propertySeed } from '../helpers/fc.js';
import { repoRoot } from '../helpers/paths.js';

// Fails for about one integer in seven: found at once, from wherever the seed starts.
const flaky = () => fc.property(fc.integer(), (n) => n % 7 !== 3);
const failure = (run: () => void): string => {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the property did not fail');
};
const counterexample = (message: string) => /Counterexample: (.*)/.exec(message)?.[1];

afterEach(() => vi.unstubAllEnvs());

describe('property tests replay from WXPAY_FC_SEED', () => {
  it('a failing property names its seed and the command that replays it', () => {
    vi.stubEnv('WXPAY_FC_SEED', '424242');
    const message = failure(() => fc.assert(flaky()));
    expect(message).toContain('seed: 424242');
    expect(message).toContain(
      "Replay this run: WXPAY_FC_SEED=424242 npx vitest run test/unit/replayable-randomness.test.ts -t 'a failing property names its seed and the command that replays it'",
    );
  });

  it('the same seed finds the same counterexample; without one, each property draws its own', () => {
    vi.stubEnv('WXPAY_FC_SEED', '-1376473524');
    const first = counterexample(failure(() => fc.assert(flaky(), { numRuns: 1000 })));
    expect(first).toBeDefined();
    expect(counterexample(failure(() => fc.assert(flaky(), { numRuns: 1000 })))).toBe(first);
    vi.stubEnv('WXPAY_FC_SEED', '');
    expect(new Set([propertySeed(), propertySeed(), propertySeed()]).size).toBe(3);
    expect(() => propertySeed({ WXPAY_FC_SEED: 'abc' })).toThrow('WXPAY_FC_SEED must be an integer');
  });

  it('async properties are seeded and reported the same way', async () => {
    vi.stubEnv('WXPAY_FC_SEED', '7');
    const prop = fc.asyncProperty(fc.integer(), async (n) => n % 7 !== 3);
    await expect(fc.assert(prop)).rejects.toThrow(/seed: 7,[\s\S]*Replay this run: WXPAY_FC_SEED=7 /);
  });

  it('no test file runs fast-check except through the helper', () => {
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((n) => {
        const p = path.join(d, n);
        return statSync(p).isDirectory() ? walk(p) : /\.(ts|mjs)$/.test(n) ? [p] : [];
      });
    const direct = walk(path.join(repoRoot, 'test'))
      .filter((f) => !f.endsWith(path.join('helpers', 'fc.ts')))
      .filter((f) => /^import (?!type\b)[^;]*from 'fast-check'/m.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(repoRoot, f));
    expect(direct).toEqual([]);
  });
});
