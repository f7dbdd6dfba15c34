// `wxpay smoke [--profile p] [--junit file] [--json]`: read-only health checks for CI against the configured
// environment (real or sandbox): config check, clock skew, certificates / public key, one signed request.
// Nothing that moves money is called. Exit 0 unless a check failed; then the exit code is that of the most
// basic failure: reaching the server and its clock first, then the signed request, certificates, config.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runConfigChecks } from '../diagnostics/doctor.js';
import { WxpayError, type ErrorCode } from '../protocol/errors.js';
import { junitXml } from '../diagnostics/junit.js';
import { proxyFromEnv } from '../http/proxy.js';
import type { CommandContext } from '../runtime.js';
import { buildClient, type ClientContext } from '../command-kit/client-context.js';
import { loadProfile, outputFor } from '../command-kit/shared.js';
import {
  certificatesCheck,
  clockCheck,
  failFrom,
  signedRequestCheck,
  type Check,
} from '../diagnostics/smoke-checks.js';
import { printChecks } from '../command-kit/print-checks.js';
import type { CheckResult } from '../diagnostics/checks.js';

interface SmokeOptions {
  junit?: string;
}

const EXIT_ORDER = ['clock skew', 'signed request', 'certificates', 'config'];

export async function run(ctx: CommandContext<SmokeOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  const startedAt = new Date(rt.now()).toISOString();
  const checks: CheckResult[] = [];
  const timed = async (name: string, fn: () => Promise<Check>) => {
    const t0 = Date.now();
    const r = await fn().catch(failFrom);
    checks.push({ name, ...r, ms: Date.now() - t0 });
  };
  let profileName = opts.profile ?? '(default)';
  let baseUrl = '';
  let cc: ClientContext | undefined;
  try {
    const profile = await loadProfile(ctx).catch((e: unknown) => {
      checks.push({ name: 'config', ...failFrom(e), ms: 0 });
      return undefined;
    });
    if (profile) {
      profileName = profile.name;
      baseUrl = profile.baseUrl;
      await timed('config', async () => {
        const details = await runConfigChecks(profile, rt.env, rt.now());
        const failed = details.filter((d) => d.status === 'fail');
        const warned = details.filter((d) => d.status === 'warn');
        const status = failed.length ? 'fail' : warned.length ? 'warn' : 'pass';
        const named = (failed.length ? failed : warned).map((d) => `${d.name}: ${d.message}`).join('; ');
        return {
          status,
          details,
          message: `${details.length} checks: ${details.length - failed.length - warned.length} pass, ${warned.length} warn, ${failed.length} fail${named ? ` (${named})` : ''}`,
          ...(status !== 'pass'
            ? { hint: (failed[0] ?? warned[0])!.hint ?? 'Run `wxpay config check` for details.' }
            : {}),
          ...(failed.length ? { code: 'CONFIG_CHECK_FAILED' as const } : {}),
        };
      });
      await timed('clock skew', () => clockCheck(profile.baseUrl, () => rt.now(), 10_000, proxyFromEnv(rt.env)));
      let clientError: Check | undefined;
      const clock = checks[checks.length - 1]!;
      if (clock.code === 'NETWORK' || clock.code === 'TIMEOUT') {
        // Unreachable: say so once instead of retrying two more requests against a dead address.
        clientError = {
          status: 'fail',
          code: clock.code,
          message: `not sent: ${clock.message}`,
          ...(clock.hint ? { hint: clock.hint } : {}),
        };
      } else {
        try {
          cc = await buildClient(ctx);
        } catch (e) {
          clientError = failFrom(e);
        }
      }
      await timed('certificates', () => certificatesCheck(profile, cc?.client, rt.now()));
      await timed('signed request', async () => clientError ?? signedRequestCheck(cc!.client));
    }
  } finally {
    await cc?.client.close();
  }
  if (opts.junit) {
    const file = path.resolve(rt.cwd, opts.junit);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(
      file,
      junitXml({
        name: 'wxpay smoke',
        timestamp: startedAt,
        properties: { profile: profileName, baseUrl },
        cases: checks.map((c) => ({
          ...c,
          ms: c.ms ?? 0,
          ...(c.code ? { type: c.code } : {}),
          output: (c.details ?? []).map((d) => `${d.status.toUpperCase()} ${d.name}: ${d.message}`),
        })),
      }),
    );
  }
  const failed = checks.filter((c) => c.status === 'fail');
  if (out.json)
    out.data({
      ok: failed.length === 0,
      profile: profileName,
      baseUrl,
      checks,
      ...(opts.junit ? { junit: path.resolve(rt.cwd, opts.junit) } : {}),
    });
  else print(out, profileName, baseUrl, checks);
  if (failed.length) {
    const first = [...failed].sort((a, b) => EXIT_ORDER.indexOf(a.name) - EXIT_ORDER.indexOf(b.name))[0]!;
    throw new WxpayError(
      (first.code ?? 'INTERNAL') as ErrorCode,
      `smoke: ${failed.length} check(s) failed (${failed.map((f) => f.name).join(', ')}); ${first.name}: ${first.message}`,
      {
        hint: first.hint ?? 'See the failed checks above.',
        ...(first.requestId ? { requestId: first.requestId } : {}),
      },
    );
  }
}

function print(out: ReturnType<typeof outputFor>, profile: string, baseUrl: string, checks: CheckResult[]): void {
  const c = out.color;
  out.line(`${c.bold('wxpay smoke')} profile ${profile}${baseUrl ? ` → ${baseUrl}` : ''}`);
  printChecks(out, checks);
  const f = checks.filter((x) => x.status === 'fail').length;
  const w = checks.filter((x) => x.status === 'warn').length;
  out.line(f ? c.red(`${f} failed, ${w} warning(s)`) : c.green(`all checks passed${w ? ` (${w} warning(s))` : ''}`));
}
