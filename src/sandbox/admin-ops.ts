// The sandbox's operator actions that change no order: platform-key rotation, clock skew, the notification time
// scale and fault injection. The /sandbox control API (routes/admin.ts) and the dashboard (ui/) both call these, so
// there is one implementation, and each tells the dashboard's live updates that something changed.
import { readFile } from 'node:fs/promises';
import { loadPrivateKey } from '../protocol/keys.js';
import { paramError } from './api-error.js';
import type { SandboxContext } from './context.js';
import type { Fault } from './faults.js';
import { paths } from './keyset-files.js';
import { rotatePlatformCert } from './keyset.js';

/** Adds a platform certificate (its key beside it in the sandbox folder); the sandbox signs with it from now on. */
export async function rotatePlatformKey(ctx: SandboxContext): Promise<{ serial: string; serials: string[] }> {
  const serial = await rotatePlatformCert(ctx.keys.dir);
  const p = paths(ctx.keys.dir);
  const privateKey = loadPrivateKey(await readFile(p.platformKey(serial)), 'sandbox platform key');
  ctx.keys.platform.push({ serial, privateKey, certPem: await readFile(p.platformCert(serial), 'utf8') });
  ctx.signWith = undefined;
  ctx.state.changes.emit();
  return { serial, serials: ctx.keys.platform.map((x) => x.serial) };
}

export interface ClockView {
  offsetSeconds: number;
  now: string;
  timeScale: number;
  /** `sandbox serve --clock`: how far the bill calendar is moved. */
  billClockOffsetSeconds: number;
}

export const clockView = (ctx: SandboxContext): ClockView => ({
  offsetSeconds: ctx.clockOffsetMs / 1000,
  now: new Date(ctx.now()).toISOString(),
  timeScale: ctx.timeScale,
  billClockOffsetSeconds: ctx.billClockOffsetMs / 1000,
});

/** Skews the sandbox clock: the Date header, signature timestamps and the ±300 s check move with it. */
export function setClockOffset(ctx: SandboxContext, offsetSeconds: unknown): ClockView {
  if (typeof offsetSeconds !== 'number' || !Number.isFinite(offsetSeconds))
    throw paramError('offsetSeconds must be a number');
  ctx.clockOffsetMs = offsetSeconds * 1000;
  ctx.state.changes.emit();
  return clockView(ctx);
}

/** Divides the notification retry schedule from the next retry on (`sandbox serve --time-scale`). */
export function setTimeScale(ctx: SandboxContext, timeScale: unknown): ClockView {
  if (typeof timeScale !== 'number' || !(timeScale > 0) || !Number.isFinite(timeScale))
    throw paramError('timeScale must be a positive number');
  ctx.timeScale = timeScale;
  ctx.state.changes.emit();
  return clockView(ctx);
}

/** Replaces the active faults (the body of POST /sandbox/faults: {"faults":[…]}). */
export function setFaults(ctx: SandboxContext, input: unknown): Fault[] {
  const faults = ctx.faults.set(input);
  ctx.state.changes.emit();
  return faults;
}

/** Adds one fault beside the active ones (the dashboard's form). */
export function addFault(ctx: SandboxContext, input: unknown): Fault[] {
  const faults = ctx.faults.add(input);
  ctx.state.changes.emit();
  return faults;
}

export function clearFaults(ctx: SandboxContext): void {
  ctx.faults.clear();
  ctx.state.changes.emit();
}
