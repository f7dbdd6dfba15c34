// `wxpay sandbox serve`: runs the simulator until SIGINT/SIGTERM; a startup line, then one line per request
// (NDJSON events with --json).
import os from 'node:os';
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import { DEFAULT_SANDBOX_PORT } from '../sandbox/keyset.js';
import { parseClockOffset } from '../sandbox/bill-source.js';
import { readSandboxFile, type SandboxFile } from '../sandbox/keyset-files.js';
import { startSandbox } from '../sandbox/server.js';
import type { CommandContext } from '../runtime.js';
import type { SandboxServeOptions } from '../cli/sandbox.js';
import { sandboxMode } from './sandbox-init.js';
import { intOption, outputFor } from '../command-kit/shared.js';

export async function run(ctx: CommandContext<SandboxServeOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  const dir = path.resolve(rt.cwd, opts.dir);
  const file = await readSandboxFile(dir);
  if (!file)
    throw new WxpayError('CONFIG_NOT_FOUND', `No sandbox key set in ${dir}`, {
      hint: `Run: wxpay sandbox init --dir ${opts.dir}`,
    });
  const mode = sandboxMode(opts.mode) ?? file.mode;
  const timeScale = Number(opts.timeScale);
  if (!(timeScale > 0))
    throw new WxpayError('USAGE', `--time-scale must be a positive number, got "${opts.timeScale}"`, {
      hint: 'e.g. --time-scale 60 turns 15 s into 0.25 s.',
    });
  const autoRefund = opts.autoRefund === 'off' ? -1 : intOption(opts.autoRefund, '--auto-refund')!;
  const autoPay = intOption(opts.autoPay, '--auto-pay');
  // RSA signing dominates a signed answer; a spare core signs while the event loop serves the next request.
  const signWorkers =
    intOption(opts.signWorkers, '--sign-workers') ?? Math.min(2, Math.max(0, os.availableParallelism() - 1));
  const billClockOffsetMs = opts.clock === undefined ? 0 : parseClockOffset(opts.clock, rt.now());
  if (billClockOffsetMs === undefined)
    throw new WxpayError('USAGE', `--clock "${opts.clock}" is not a time`, {
      hint: "e.g. --clock +2d (two days ahead: today's bill is out), --clock -36h, or --clock 2026-01-03T10:30:00+08:00.",
    });
  const sb = await startSandbox({
    dir,
    mode,
    host: opts.host,
    // A hand-edited sandbox.json may have lost its port.
    port: intOption(opts.port, '--port') ?? (file as Partial<SandboxFile>).port ?? DEFAULT_SANDBOX_PORT,
    timeScale,
    autoRefundMs: autoRefund,
    refundSpacingMs: intOption(opts.refundSpacing, '--refund-spacing')!,
    signWorkers,
    billClockOffsetMs,
    ...(autoPay !== undefined ? { autoPayMs: autoPay } : {}),
    ...(opts.state ? { statePath: path.resolve(rt.cwd, opts.state) } : {}),
    onRequest: opts.quiet
      ? undefined
      : (e) =>
          out.json
            ? out.event({ type: 'request', ...e })
            : out.line(`${e.time} ${e.method} ${e.url} ${e.status}${e.code ? ` ${e.code}` : ''} ${e.ms}ms`),
    onError: (err) => out.warn(`sandbox handler failed: ${(err as Error).stack ?? String(err)}`),
  });
  // The profile's baseUrl carries the port `sandbox init` chose; on another port the hint says so.
  const rcPath = path.join(dir, '.wxpayrc.json');
  const profileHint = `wxpay --config ${rcPath}${sb.url === `http://127.0.0.1:${file.port}` ? '' : ` --base-url ${sb.url}`}`;
  const started = {
    type: 'listening',
    url: sb.url,
    mode,
    mchid: file.mchid,
    ...(sb.merchants.length > 1 ? { merchants: sb.merchants.map((c) => c.keys.mchid) } : {}),
    appid: file.appid,
    dir,
    rcPath,
    profile: profileHint,
  };
  // `sandbox serve --json | head -1` closes stdout: keep serving and drop the request lines.
  const offClosed = rt.onStdoutClosed?.(() => undefined);
  if (out.json) out.event(started);
  else
    out.line(
      `wxpay sandbox listening on ${sb.url} (mode ${mode}, mchid ${sb.merchants.map((c) => c.keys.mchid).join(', ')}) — profile: ${profileHint}`,
    );
  await new Promise<void>((resolve) => {
    const off = rt.onSignal((signal) => {
      off();
      offClosed?.();
      void sb.close().then(() => {
        if (out.json) out.event({ type: 'stopped', signal });
        else out.note(`${signal}: sandbox stopped`);
        resolve();
      });
    });
  });
}
