// `wxpay demo [--keep <dir>] [--mode <m>] [--json]`: the whole payment flow in one process, against an embedded
// sandbox and `webhook serve` with throwaway keys, printing each step and the command that does it by hand.
// Exits 0 only if every step passed; removes its folder unless --keep. The QR code is drawn only on a TTY
// (a phone can scan it there; in a log it is noise): elsewhere code_url is printed as text.
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { WxpayError, isWxpayError } from '../protocol/errors.js';
import { tempRoot, type CommandContext } from '../runtime.js';
import type { DemoOptions } from '../cli/demo.js';
import { newWorld, type DemoWorld } from '../demo/env.js';
import { DEMO_STEPS, newDemoState, type DemoSettings, type DemoState } from '../demo/steps.js';
import { sandboxMode } from './sandbox-init.js';
import { outputFor } from '../command-kit/shared.js';
import { renderQr } from '../command-kit/qr.js';

export interface StepReport {
  step: number;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  ms: number;
  detail: string[];
  command?: string;
  error?: string;
}

function shown(cwd: string, p: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

export async function run(ctx: CommandContext<DemoOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  const mode = sandboxMode(opts.mode) ?? 'pubkey';
  const started = rt.now();
  // Ctrl-C, or a reader that went away (`demo | head -3`): stop the step under way at once, close the servers and
  // remove the folder. Listening before the folder exists leaves no moment where a Ctrl-C would strand it.
  const stop = new AbortController();
  let interrupted: string | undefined;
  const interrupt = (why: string) => {
    interrupted ??= why;
    stop.abort();
  };
  const offSignal = rt.onSignal(interrupt);
  const offClosed = rt.onStdoutClosed?.(() => interrupt('a closed stdout'));
  const dir = opts.keep ? path.resolve(rt.cwd, opts.keep) : await mkdtemp(path.join(tempRoot(rt), 'wxpay-demo-'));
  const set: DemoSettings = {
    mode,
    dirShown: shown(rt.cwd, dir),
    rcShown: shown(rt.cwd, path.join(dir, '.wxpayrc.json')),
    notifyTimeoutMs: 10_000,
    ...(!out.json && rt.stdout.isTTY ? { qr: renderQr } : {}),
  };
  const world = newWorld(dir, stop.signal);
  const state = newDemoState();
  const c = out.color;
  if (!out.json)
    out.line(
      c.bold(
        `wxpay demo: ${DEMO_STEPS.length} steps against an embedded sandbox (mode ${mode}), no network, no merchant account`,
      ),
    );
  let run: StepsRun = { reports: [] };
  try {
    run = await runSteps(world, state, set, stop.signal, (r, block) => out.json || printStep(out, r, block));
  } finally {
    offSignal();
    offClosed?.();
    await cleanUp(world, opts.keep ? undefined : dir, run.inFlight);
  }
  const { reports, failure } = run;
  const ok = failure === undefined && !interrupted;
  // From the process start when the runtime knows it: module loading and key generation are part of the wait.
  const seconds = ((rt.now() - (rt.startedAt ?? started)) / 1000).toFixed(1);
  const passed = reports.filter((r) => r.status === 'pass').length;
  if (out.json)
    out.data({
      ok,
      mode,
      seconds: Number(seconds),
      kept: opts.keep ? dir : null,
      outTradeNo: state.outTradeNo,
      outRefundNo: state.outRefundNo,
      steps: reports,
    });
  else {
    out.line();
    out.line(
      ok ? c.green(`all ${passed} steps passed in ${seconds} s`) : c.red(`${passed} of ${reports.length} steps passed`),
    );
    if (opts.keep)
      out.line(
        `kept ${dir}: start \`wxpay sandbox serve --dir ${set.dirShown} --state ${set.dirShown}/sandbox-state.json\` and the commands above work by hand`,
      );
    else
      out.line(
        c.dim(
          'the demo folder was removed; run `wxpay demo --keep ./demo` to keep the keys and try the commands by hand',
        ),
      );
  }
  if (interrupted) {
    throw new WxpayError('DEMO_INTERRUPTED', `demo interrupted by ${interrupted} after ${passed} step(s)`, {
      hint: opts.keep
        ? `The folder ${dir} was kept; run wxpay demo again to start over.`
        : 'The temp folder was removed; run wxpay demo again to start over.',
    });
  }
  if (!ok) {
    const failed = reports.find((r) => r.status === 'fail')!;
    const hint = isWxpayError(failure)
      ? failure.hint
      : 'Run again with --keep ./demo and look at ./demo/webhooks.ndjson; report the output if it persists.';
    throw new WxpayError(
      isWxpayError(failure) ? failure.code : 'INTERNAL',
      `demo step ${failed.step} (${failed.title}) failed: ${failed.error}`,
      { hint, cause: failure },
    );
  }
}

interface StepsRun {
  reports: StepReport[];
  failure?: unknown;
  /** The step that was under way when the demo was interrupted; it may still be generating a key. */
  inFlight?: Promise<unknown>;
}

/** Runs the steps in order; after a failure or an abort the rest are skipped. An abort does not wait for the step. */
async function runSteps(
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
async function cleanUp(world: DemoWorld, removeDir: string | undefined, inFlight?: Promise<unknown>): Promise<void> {
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

function printStep(out: ReturnType<typeof outputFor>, r: StepReport, block?: string): void {
  const c = out.color;
  const mark = r.status === 'pass' ? c.green('✔') : c.red('✖');
  out.line();
  out.line(`${mark} ${c.bold(`${String(r.step).padStart(2)}. ${r.title}`)}`);
  for (const d of r.detail) out.line(`     ${d}`);
  if (r.error) out.line(`     ${c.red(r.error)}`);
  if (block) out.line(block.replace(/^/gm, '     '));
  if (r.command) out.line(`     ${c.dim('by hand:')} ${c.cyan(r.command)}`);
}
