// `wxpay fixtures run <flow> [--sandbox [dir]] [--override step.field=value]… [--report f] [--junit f] [--json]`:
// checks the flow, runs its steps through the same api/ functions and sandbox admin calls the commands use, prints
// the step table (or the JSON report with --json), writes the reports, then exits 0 only if every expect held.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FixturesRunOptions } from '../cli/fixtures.js';
import { withClient } from '../command-kit/client-context.js';
import { clientActions } from '../command-kit/fixtures-actions.js';
import { loadFlow } from '../command-kit/fixtures-load.js';
import { junitOf, printSteps, reportOf } from '../command-kit/fixtures-report.js';
import { sandboxActions } from '../command-kit/fixtures-sandbox-actions.js';
import { outputFor } from '../command-kit/shared.js';
import { writeFileSafe } from '../files/safe-write.js';
import { WxpayError } from '../protocol/errors.js';
import { DEFAULT_SANDBOX_DIR } from '../sandbox/keyset.js';
import { runFlow } from '../fixtures/runner.js';
import type { CommandContext } from '../runtime.js';

/** --sandbox [dir]: the profile `sandbox init` wrote there (unless --config names one) and its keys for trigger. */
function withSandbox(
  ctx: CommandContext<FixturesRunOptions>,
): CommandContext<FixturesRunOptions & { sandboxDir?: string }> {
  const { sandbox } = ctx.opts;
  if (sandbox === undefined) return ctx;
  const dir = sandbox === true ? DEFAULT_SANDBOX_DIR : sandbox;
  const config = ctx.opts.config ?? path.join(dir, '.wxpayrc.json');
  return { ...ctx, opts: { ...ctx.opts, config, sandboxDir: dir } };
}

export async function run(ctx0: CommandContext<FixturesRunOptions>): Promise<void> {
  const ctx = withSandbox(ctx0);
  const { opts, rt } = ctx;
  const file = String(ctx.args[0]);
  const flow = await loadFlow(rt, file, opts.override);
  const result = await withClient(ctx, (c) =>
    runFlow(
      flow,
      { ...clientActions(c), ...sandboxActions(ctx, opts.journal) },
      {
        runId: `${rt.now().toString(36).toUpperCase()}${randomBytes(3).toString('hex').toUpperCase()}`,
        now: () => rt.now(),
      },
    ),
  );
  const report = reportOf(result, file);
  if (opts.report) await writeFileSafe(path.resolve(rt.cwd, opts.report), `${JSON.stringify(report, null, 2)}\n`);
  if (opts.junit) await writeFileSafe(path.resolve(rt.cwd, opts.junit), junitOf(result, file));
  const out = outputFor(ctx);
  if (out.json) out.data(report);
  else printSteps(out, result);
  if (result.error) throw named(result.error, result.steps.find((s) => s.status === 'error')?.name);
}

/** An action's error keeps its code and exit code, with the step named in front. */
function named(e: WxpayError, step: string | undefined): WxpayError {
  if (step === undefined) return e;
  return new WxpayError(e.code, `step "${step}": ${e.message}`, {
    hint: e.hint,
    cause: e,
    ...(e.requestId ? { requestId: e.requestId } : {}),
    ...(e.wechatpay ? { wechatpay: e.wechatpay } : {}),
    ...(e.details ? { details: e.details } : {}),
  });
}
