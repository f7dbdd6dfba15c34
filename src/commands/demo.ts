// `wxpay demo [--keep <dir>] [--mode <m>] [--json]`: the whole payment flow in one process, against an embedded
// sandbox and `webhook serve` with throwaway keys, printing each step and the command that does it by hand.
// Exits 0 only if every step passed; removes its folder unless --keep. The QR code is drawn only on a TTY
// (a phone can scan it there; in a log it is noise): elsewhere code_url is printed as text.
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { WxpayError, isWxpayError } from '../protocol/errors.js';
import { tempRoot, type CommandContext } from '../runtime.js';
import type { DemoOptions } from '../cli/demo.js';
import { newWorld } from '../demo/env.js';
import { cleanUp, runSteps, type StepReport, type StepsRun } from '../demo/run.js';
import { DEMO_STEPS } from '../demo/steps.js';
import { newDemoState, type DemoSettings } from '../demo/settings.js';
import { sandboxMode } from './sandbox-init.js';
import { outputFor } from '../command-kit/shared.js';
import { renderQr } from '../command-kit/qr.js';

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
  const world = newWorld(dir, { signal: stop.signal, newRsaKeyPair: rt.newRsaKeyPair, kept: Boolean(opts.keep) });
  const state = newDemoState();
  if (!out.json) out.line(out.color.bold(headline(mode)));
  let run: StepsRun = { reports: [] };
  try {
    run = await runSteps(world, state, set, stop.signal, (r, block) => out.json || printStep(out, r, block));
  } finally {
    offSignal();
    offClosed?.();
    await cleanUp(world, opts.keep ? undefined : dir, run.inFlight);
  }
  const ok = run.failure === undefined && !interrupted;
  // From the process start when the runtime knows it: module loading and key generation are part of the wait.
  const seconds = ((rt.now() - (rt.startedAt ?? started)) / 1000).toFixed(1);
  const kept = opts.keep ? dir : undefined;
  if (out.json)
    out.data({
      ok,
      mode,
      seconds: Number(seconds),
      kept: kept ?? null,
      outTradeNo: state.outTradeNo,
      outRefundNo: state.outRefundNo,
      steps: run.reports,
    });
  else printSummary(out, { ok, seconds, kept, dirShown: set.dirShown, reports: run.reports });
  const passed = run.reports.filter((r) => r.status === 'pass').length;
  if (interrupted) {
    throw new WxpayError('DEMO_INTERRUPTED', `demo interrupted by ${interrupted} after ${passed} step(s)`, {
      hint: kept
        ? `The folder ${kept} was kept; run wxpay demo again to start over.`
        : 'The temp folder was removed; run wxpay demo again to start over.',
    });
  }
  if (!ok) throw stepFailed(run.reports, run.failure);
}

function headline(mode: string): string {
  return `wxpay demo: ${DEMO_STEPS.length} steps against an embedded sandbox (mode ${mode}), no network, no merchant account`;
}

interface Summary {
  ok: boolean;
  seconds: string;
  kept: string | undefined;
  dirShown: string;
  reports: StepReport[];
}

function printSummary(out: ReturnType<typeof outputFor>, s: Summary): void {
  const c = out.color;
  const passed = s.reports.filter((r) => r.status === 'pass').length;
  out.line();
  out.line(
    s.ok
      ? c.green(`all ${passed} steps passed in ${s.seconds} s`)
      : c.red(`${passed} of ${s.reports.length} steps passed`),
  );
  if (s.kept)
    out.line(
      `kept ${s.kept}: start \`wxpay sandbox serve --dir ${s.dirShown} --state ${s.dirShown}/sandbox-state.json\` and the commands above work by hand`,
    );
  else
    out.line(
      c.dim(
        'the demo folder was removed; run `wxpay demo --keep ./demo` to keep the keys and try the commands by hand',
      ),
    );
}

/** A step's own WxpayError keeps its code and hint (and so its exit code); anything else is a bug (exit 1). */
function stepFailed(reports: StepReport[], failure: unknown): WxpayError {
  const failed = reports.find((r) => r.status === 'fail')!;
  const hint = isWxpayError(failure)
    ? failure.hint
    : 'Run again with --keep ./demo and look at ./demo/webhooks.ndjson; report the output if it persists.';
  return new WxpayError(
    isWxpayError(failure) ? failure.code : 'INTERNAL',
    `demo step ${failed.step} (${failed.title}) failed: ${failed.error}`,
    { hint, cause: failure },
  );
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
