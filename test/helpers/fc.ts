// fast-check for the suite's property tests, with replayable randomness (issue 15). Test files import `fc` from
// here instead of 'fast-check': it is fast-check itself, except that `fc.assert` runs each property from a seed it
// chooses (WXPAY_FC_SEED when set, else a fresh random one) and, when the property fails, adds to fast-check's
// report the command that replays that run: WXPAY_FC_SEED=<seed> npx vitest run <file> -t '<test>'.
// test/unit/replayable-randomness.test.ts checks that the seed replays and that no test calls fast-check directly.
import fastCheck from 'fast-check';
import { expect } from 'vitest';

/** The seed for the next property: WXPAY_FC_SEED, or a fresh one (fast-check seeds are 32-bit integers). */
export function propertySeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.WXPAY_FC_SEED;
  if (given === undefined || given === '') return (Math.random() * 2 ** 32) | 0;
  const seed = Number(given);
  if (!Number.isInteger(seed)) throw new Error(`WXPAY_FC_SEED must be an integer, got "${given}"`);
  return seed;
}

/** The command that replays the current test from `seed`. */
export function replayCommand(seed: number): string {
  const { testPath, currentTestName } = expect.getState();
  const file = testPath ? testPath.slice(process.cwd().length + 1) : '<file>';
  const name = (currentTestName ?? '').split(' > ').pop() ?? '';
  return `WXPAY_FC_SEED=${seed} npx vitest run ${file} -t '${name.replace(/'/g, "'\\''")}'`;
}

function withReplay(e: unknown, seed: number): unknown {
  if (e instanceof Error) e.message = `${e.message}\nReplay this run: ${replayCommand(seed)}`;
  return e;
}

function assert<Ts>(property: fastCheck.IAsyncProperty<Ts>, params?: fastCheck.Parameters<Ts>): Promise<void>;
function assert<Ts>(property: fastCheck.IProperty<Ts>, params?: fastCheck.Parameters<Ts>): void;
function assert<Ts>(property: fastCheck.IRawProperty<Ts>, params?: fastCheck.Parameters<Ts>): Promise<void> | void {
  const seed = propertySeed();
  try {
    const run = fastCheck.assert(property, { ...params, seed });
    return run instanceof Promise
      ? run.catch((e: unknown) => {
          throw withReplay(e, seed);
        })
      : run;
  } catch (e) {
    throw withReplay(e, seed);
  }
}

export const fc: Omit<typeof fastCheck, 'assert'> & { assert: typeof assert } = { ...fastCheck, assert };
