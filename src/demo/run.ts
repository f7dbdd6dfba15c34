// Runs the demo's steps in order and cleans up after them: the part of `wxpay demo` that needs no terminal.
// An interrupt (Ctrl-C, a closed stdout) aborts the signal; the step under way is not waited for, and cleanUp
// closes what it started once it settles.
import { rm } from 'node:fs/promises';
import type { DemoWorld } from './env.js';
import { DEMO_STEPS } from './steps.js';
import type { DemoSettings, DemoState } from './settings.js';

export interface StepReport {
  step: number;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  ms: number;
  detail: string[];
  command?: string;
  error?: string;
}

export interface StepsRun {
  reports: StepReport[];
  failure?: unknown;
  /** The step that was under way when the demo was interrupted; it may still be generating a key. */
  inFlight?: Promise<unknown>;
}

/** Runs the steps in order; after a failure or an abort the rest are skipped. An abort does not wait for the step. */
export async function runSteps(
  world: DemoWorld,
  state: DemoState,
  set: DemoSettings,
  signal: AbortSignal,
  show: (r: StepReport, block?: string) => unknown,
): Promise<StepsRun> {
  const run: StepsRun = { reports: [] };
  const aborted = new Promise<'aborted'>((resolve) =>
    signal.aborted ? resolve('aborted') : signal.addEventListener('abort', () => resolve('aborted'), { once: true }),
  );
  for (const [i, step] of DEMO_STEPS.entries()) {
    const t0 = Date.now();
    const report: StepReport = { step: i + 1, title: step.title, status: 'skip', ms: 0, detail: [] };
    run.reports.push(report);
    if (run.failure !== undefined || signal.aborted) continue;
    const running = step.run(world, state, set);
    try {
      const r = await Promise.race([running, aborted]);
      if (r === 'aborted') {
        run.inFlight = running.catch(() => undefined);
        continue;
      }
      Object.assign(report, { status: 'pass', detail: r.detail, command: r.command });
      show(report, r.block);
    } catch (err) {
      // The servers were closed under it: not a failure of the step. (It can flip while awaiting: not always false.)
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (signal.aborted) continue;
      run.failure = err;
      Object.assign(report, { status: 'fail', error: (err as Error).message });
      show(report);
    } finally {
      report.ms = Date.now() - t0;
    }
  }
  return run;
}

/** Bounded, so a Ctrl-C exits within about 2 s; a step still running after that cleans up again when it ends. */
export async function cleanUp(
  world: DemoWorld,
  removeDir: string | undefined,
  inFlight?: Promise<unknown>,
): Promise<void> {
  const within = (p: Promise<unknown>, ms: number) => Promise.race([p, new Promise((r) => setTimeout(r, ms).unref())]);
  // Closing first stops the step under way (its servers and waits); once it has settled, close what it started.
  await within(
    world.close().catch(() => undefined),
    600,
  );
  const settled = inFlight
    ? (await within(
        inFlight.then(() => true),
        600,
      )) === true
    : true;
  if (inFlight && settled)
    await within(
      world.close().catch(() => undefined),
      400,
    );
  const remove = () => (removeDir ? rm(removeDir, { recursive: true, force: true }).catch(() => undefined) : undefined);
  await remove();
  if (!settled) void inFlight!.then(() => world.close()).then(remove, remove);
}
