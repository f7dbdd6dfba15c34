// `wxpay demo [--keep <dir>] [--mode <m>] [--json]`: the whole payment flow in one process, against an embedded
// sandbox and `webhook serve` with throwaway keys, printing each step and the command that does it by hand.
// Exits 0 only if every step passed; removes its folder unless --keep. The QR code is drawn only on a TTY
// (a phone can scan it there; in a log it is noise): elsewhere code_url is printed as text.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WxpayError, isWxpayError } from '../core/errors.js';
import type { CommandContext } from '../runtime.js';
import { newWorld } from './demo-env.js';
import { DEMO_STEPS, newDemoState, type DemoSettings } from './demo-steps.js';
import { sandboxMode } from './sandbox-init.js';
import { outputFor } from './shared.js';
import { renderQr } from './qr.js';

interface DemoOptions {
  keep?: string;
  mode?: string;
}

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
  const dir = opts.keep ? path.resolve(rt.cwd, opts.keep) : await mkdtemp(path.join(os.tmpdir(), 'wxpay-demo-'));
  const set: DemoSettings = {
    mode, dirShown: shown(rt.cwd, dir), rcShown: shown(rt.cwd, path.join(dir, '.wxpayrc.json')), notifyTimeoutMs: 10_000,
    ...(!out.json && rt.stdout.isTTY ? { qr: renderQr } : {}),
  };
  const world = newWorld(dir);
  const state = newDemoState();
  const reports: StepReport[] = [];
  const c = out.color;
  if (!out.json) out.line(c.bold(`wxpay demo: ${DEMO_STEPS.length} steps against an embedded sandbox (mode ${mode}), no network, no merchant account`));
  let failure: unknown;
  let interrupted: string | undefined;
  // Ctrl-C: stop the servers at once (a step waiting on them fails fast), skip the rest, still clean up.
  const off = rt.onSignal((signal) => {
    interrupted = signal;
    void world.close();
  });
  const started = Date.now();
  try {
    for (const [i, step] of DEMO_STEPS.entries()) {
      const t0 = Date.now();
      const report: StepReport = { step: i + 1, title: step.title, status: 'skip', ms: 0, detail: [] };
      reports.push(report);
      if (failure !== undefined || interrupted) continue;
      try {
        const r = await step.run(world, state, set);
        Object.assign(report, { status: 'pass', detail: r.detail, command: r.command });
        if (!out.json) printStep(out, report, r.block);
      } catch (err) {
        failure = err;
        Object.assign(report, { status: 'fail', error: (err as Error).message });
        if (!out.json) printStep(out, report);
      } finally {
        report.ms = Date.now() - t0;
      }
    }
  } finally {
    off();
    await world.close().catch(() => undefined);
    if (!opts.keep) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
  const ok = failure === undefined && !interrupted;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (out.json) out.data({ ok, mode, seconds: Number(seconds), kept: opts.keep ? dir : null, outTradeNo: state.outTradeNo, outRefundNo: state.outRefundNo, steps: reports });
  else {
    out.line();
    const passed = reports.filter((r) => r.status === 'pass').length;
    out.line(ok ? c.green(`all ${passed} steps passed in ${seconds} s`) : c.red(`${passed} of ${reports.length} steps passed`));
    if (opts.keep) out.line(`kept ${dir}: start \`wxpay sandbox serve --dir ${set.dirShown} --state ${set.dirShown}/sandbox-state.json\` and the commands above work by hand`);
    else out.line(c.dim('the demo folder was removed; run `wxpay demo --keep ./demo` to keep the keys and try the commands by hand'));
  }
  if (interrupted) {
    throw new WxpayError('DEMO_INTERRUPTED', `demo interrupted by ${interrupted} after ${reports.filter((r) => r.status === 'pass').length} step(s)`, {
      hint: opts.keep ? `The folder ${dir} was kept; run wxpay demo again to start over.` : 'The temp folder was removed; run wxpay demo again to start over.',
    });
  }
  if (!ok) {
    const failed = reports.find((r) => r.status === 'fail')!;
    const hint = isWxpayError(failure) ? failure.hint : 'Run again with --keep ./demo and look at ./demo/webhooks.ndjson; report the output if it persists.';
    throw new WxpayError(isWxpayError(failure) ? failure.code : 'INTERNAL', `demo step ${failed.step} (${failed.title}) failed: ${failed.error}`, { hint, cause: failure });
  }
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
