// `sandbox serve`'s flags as startSandbox options: each checked in turn, a bad one a usage error naming the flag.
import os from 'node:os';
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import { DEFAULT_SANDBOX_PORT } from '../sandbox/keyset.js';
import { parseClockOffset } from '../sandbox/bill-source.js';
import type { SandboxFile } from '../sandbox/keyset-files.js';
import type { SandboxOptions } from '../sandbox/server.js';
import type { Runtime } from '../runtime.js';
import type { SandboxServeOptions } from '../cli/sandbox.js';
import { intOption } from './shared.js';

/** Everything but the mode and the log callbacks, which the command decides. */
export type ServeOptions = Omit<SandboxOptions, 'mode' | 'onRequest' | 'onError'>;

export function serveOptions(opts: SandboxServeOptions, rt: Runtime, dir: string, file: SandboxFile): ServeOptions {
  const timeScale = Number(opts.timeScale);
  if (!(timeScale > 0))
    throw new WxpayError('USAGE', `--time-scale must be a positive number, got "${opts.timeScale}"`, {
      hint: 'e.g. --time-scale 60 turns 15 s into 0.25 s.',
    });
  const autoRefund = opts.autoRefund === 'off' ? -1 : intOption(opts.autoRefund, '--auto-refund')!;
  const autoPay = intOption(opts.autoPay, '--auto-pay');
  // RSA signing dominates a signed answer: every core signs (on Node's thread pool, 4 threads) while the event loop
  // serves the next request; the event loop's share is small enough that it needs no core of its own (issue 19).
  const signWorkers = intOption(opts.signWorkers, '--sign-workers') ?? Math.min(4, os.availableParallelism());
  const billClockOffsetMs = clockOffset(opts.clock, rt.now());
  return {
    dir,
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
  };
}

/** `--clock`: how far the bill calendar is moved (0 without the flag). */
function clockOffset(clock: string | undefined, now: number): number {
  const offset = clock === undefined ? 0 : parseClockOffset(clock, now);
  if (offset === undefined)
    throw new WxpayError('USAGE', `--clock "${clock}" is not a time`, {
      hint: "e.g. --clock +2d (two days ahead: today's bill is out), --clock -36h, or --clock 2026-01-03T10:30:00+08:00.",
    });
  return offset;
}
