// `wxpay smoke [--profile p] [--junit file] [--json]`: read-only health checks for CI against the configured
// environment (real or sandbox): config check, clock skew, certificates / public key, one signed request.
// Nothing that moves money is called. Exit 0 unless a check failed; then the exit code is that of the most
// basic failure (diagnostics/smoke.ts runs the checks and decides).
import path from 'node:path';
import type { CommandContext } from '../runtime.js';
import type { SmokeOptions } from '../cli/smoke.js';
import { buildClient } from '../command-kit/client-context.js';
import { loadProfile, outputFor } from '../command-kit/shared.js';
import { printChecks } from '../command-kit/print-checks.js';
import { runSmoke, type SmokeReport } from '../diagnostics/smoke.js';

export async function run(ctx: CommandContext<SmokeOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  const junitFile = opts.junit ? path.resolve(rt.cwd, opts.junit) : undefined;
  await runSmoke({
    env: rt.env,
    now: () => rt.now(),
    profileName: opts.profile ?? '(default)',
    loadProfile: () => loadProfile(ctx),
    buildClient: async () => (await buildClient(ctx)).client,
    junitFile,
    print: (report) =>
      out.json
        ? out.data({
            ok: report.checks.every((c) => c.status !== 'fail'),
            profile: report.profile,
            baseUrl: report.baseUrl,
            checks: report.checks,
            ...(junitFile ? { junit: junitFile } : {}),
          })
        : print(out, report),
  });
}

function print(out: ReturnType<typeof outputFor>, { profile, baseUrl, checks }: SmokeReport): void {
  const c = out.color;
  out.line(`${c.bold('wxpay smoke')} profile ${profile}${baseUrl ? ` → ${baseUrl}` : ''}`);
  printChecks(out, checks);
  const f = checks.filter((x) => x.status === 'fail').length;
  const w = checks.filter((x) => x.status === 'warn').length;
  out.line(f ? c.red(`${f} failed, ${w} warning(s)`) : c.green(`all checks passed${w ? ` (${w} warning(s))` : ''}`));
}
