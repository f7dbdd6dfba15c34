// `wxpay smoke`'s run: config check, clock skew, certificates / public key, one signed request, in that order,
// then the optional JUnit file and the exit rule. Runtime-free: the command passes how to load the profile, build
// the client and print, so this is the whole flow without the CLI around it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedProfile } from '../config/config.js';
import type { WxpayClient } from '../http/client.js';
import { proxyFromEnv } from '../http/proxy.js';
import { WxpayError } from '../protocol/errors.js';
import type { CheckResult } from './checks.js';
import { runConfigChecks } from './doctor.js';
import { junitXml } from './junit.js';
import { certificatesCheck, clockCheck, failFrom, signedRequestCheck, type Check } from './smoke-checks.js';

export interface SmokeReport {
  profile: string;
  baseUrl: string;
  checks: CheckResult[];
}

export interface SmokeOptions {
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  /** The name shown when the profile cannot be loaded. */
  profileName: string;
  loadProfile: () => Promise<ResolvedProfile>;
  buildClient: () => Promise<WxpayClient>;
  /** Absolute path of the JUnit file to write, if asked for. */
  junitFile: string | undefined;
  print: (report: SmokeReport) => void;
}

const EXIT_ORDER = ['clock skew', 'signed request', 'certificates', 'config'];

export async function runSmoke(o: SmokeOptions): Promise<void> {
  const startedAt = new Date(o.now()).toISOString();
  const report = await runChecks(o);
  if (o.junitFile) await writeJunit(o.junitFile, startedAt, report);
  o.print(report);
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (!failed.length) return;
  // The exit code is that of the most basic failure: reaching the server and its clock first, then the signed
  // request, certificates, config.
  const first = [...failed].sort((a, b) => EXIT_ORDER.indexOf(a.name) - EXIT_ORDER.indexOf(b.name))[0]!;
  throw new WxpayError(
    first.code ?? 'INTERNAL',
    `smoke: ${failed.length} check(s) failed (${failed.map((f) => f.name).join(', ')}); ${first.name}: ${first.message}`,
    {
      hint: first.hint ?? 'See the failed checks above.',
      ...(first.requestId ? { requestId: first.requestId } : {}),
    },
  );
}

async function runChecks(o: SmokeOptions): Promise<SmokeReport> {
  const report: SmokeReport = { profile: o.profileName, baseUrl: '', checks: [] };
  const { checks } = report;
  const timed = async (name: string, fn: () => Promise<Check>) => {
    const t0 = Date.now();
    const r = await fn().catch(failFrom);
    checks.push({ name, ...r, ms: Date.now() - t0 });
  };
  const profile = await o.loadProfile().catch((e: unknown) => {
    checks.push({ name: 'config', ...failFrom(e), ms: 0 });
    return undefined;
  });
  if (!profile) return report;
  report.profile = profile.name;
  report.baseUrl = profile.baseUrl;
  let client: WxpayClient | undefined;
  try {
    await timed('config', () => configCheck(profile, o.env, o.now()));
    await timed('clock skew', () => clockCheck(profile.baseUrl, o.now, 10_000, proxyFromEnv(o.env)));
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
      client = await o.buildClient().catch((e: unknown) => {
        clientError = failFrom(e);
        return undefined;
      });
    }
    await timed('certificates', () => certificatesCheck(profile, client, o.now()));
    await timed('signed request', async () => clientError ?? signedRequestCheck(client!));
  } finally {
    await client?.close();
  }
  return report;
}

/** The doctor's checks as one smoke row: the worst of them, naming the failed (or else warned) ones. */
async function configCheck(
  profile: ResolvedProfile,
  env: Readonly<Record<string, string | undefined>>,
  now: number,
): Promise<Check> {
  const details = await runConfigChecks(profile, env, now);
  const failed = details.filter((d) => d.status === 'fail');
  const warned = details.filter((d) => d.status === 'warn');
  const status = failed.length ? 'fail' : warned.length ? 'warn' : 'pass';
  const named = (failed.length ? failed : warned).map((d) => `${d.name}: ${d.message}`).join('; ');
  return {
    status,
    details,
    message: `${details.length} checks: ${details.length - failed.length - warned.length} pass, ${warned.length} warn, ${failed.length} fail${named ? ` (${named})` : ''}`,
    ...(status !== 'pass' ? { hint: (failed[0] ?? warned[0])!.hint ?? 'Run `wxpay config check` for details.' } : {}),
    ...(failed.length ? { code: 'CONFIG_CHECK_FAILED' as const } : {}),
  };
}

async function writeJunit(file: string, startedAt: string, report: SmokeReport): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    junitXml({
      name: 'wxpay smoke',
      timestamp: startedAt,
      properties: { profile: report.profile, baseUrl: report.baseUrl },
      cases: report.checks.map((c) => ({
        ...c,
        ms: c.ms ?? 0,
        ...(c.code ? { type: c.code } : {}),
        output: (c.details ?? []).map((d) => `${d.status.toUpperCase()} ${d.name}: ${d.message}`),
      })),
    }),
  );
}
