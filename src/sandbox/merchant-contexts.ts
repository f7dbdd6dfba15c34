// A sandbox made by `sandbox init --merchants N` serves N merchants on one port: one context per merchant (its keys,
// orders, notifier, faults, clock skew), all sharing the timers and the signing workers. A WeChat Pay API request goes
// to the merchant its Authorization header names, so it is verified with that merchant's key (a request signed by B
// but naming A's mchid fails A's check); an admin request names the merchant with X-Sandbox-Mchid (or ?mchid=), else
// it is the first merchant's. With one merchant every request is that merchant's, as before.
import path from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { createNonceSource } from '../protocol/nonce.js';
import { DEFAULT_WINDOW_SECONDS } from '../protocol/verify.js';
import type { SandboxContext } from './context.js';
import { FaultSet } from './faults.js';
import { loadSandboxKeys, type SandboxKeys, type SandboxMode } from './keyset.js';
import { readSandboxFile } from './keyset-files.js';
import { NonceLedger } from './nonces.js';
import { Notifier } from './notifier.js';
import { PAY_PAGE_PREFIX } from './pay-links.js';
import { DEFAULT_REFUND_SPACING_MS } from './refund-ops.js';
import type { SignPool } from './sign-pool.js';
import { SandboxState } from './state.js';

export const MCHID_HEADER = 'x-sandbox-mchid';

/** The first merchant's key set, then those of `merchants` in sandbox.json. */
export async function loadMerchantKeySets(dir: string): Promise<SandboxKeys[]> {
  const first = await loadSandboxKeys(dir);
  const more = (await readSandboxFile(first.dir))?.merchants ?? [];
  return [first, ...(await Promise.all(more.map((sub) => loadSandboxKeys(path.join(first.dir, sub)))))];
}

export interface ContextSettings {
  mode?: SandboxMode | undefined;
  autoPayMs?: number | undefined;
  autoRefundMs?: number | undefined;
  timeScale?: number | undefined;
  refundSpacingMs?: number | undefined;
  statePath?: string | undefined;
  billClockOffsetMs?: number | undefined;
  random?: (() => number) | undefined;
}

/** One merchant's context. `statePath` is the first merchant's; merchant i keeps its own beside it. */
export function newContext(
  keys: SandboxKeys,
  index: number,
  opts: ContextSettings,
  shared: { clock: () => number; later: SandboxContext['later']; signPool?: SignPool | undefined },
): SandboxContext {
  const notifier: Notifier = new Notifier(() => context);
  const statePath = opts.statePath && index > 0 ? `${opts.statePath}.${keys.mchid}` : opts.statePath;
  const context: SandboxContext = {
    keys,
    mode: opts.mode ?? keys.mode,
    state: new SandboxState(statePath),
    faults: new FaultSet(opts.random),
    notifier,
    now: () => shared.clock() + context.clockOffsetMs,
    clockOffsetMs: 0,
    billClockOffsetMs: opts.billClockOffsetMs ?? 0,
    ...(opts.autoPayMs !== undefined ? { autoPayMs: opts.autoPayMs } : {}),
    autoRefundMs: opts.autoRefundMs ?? 1000,
    refundSpacingMs: opts.refundSpacingMs ?? DEFAULT_REFUND_SPACING_MS,
    timeScale: opts.timeScale ?? 1,
    stats: new Map(),
    counter: 0,
    mixedToggle: 0,
    nonces: new NonceLedger(DEFAULT_WINDOW_SECONDS * 1000),
    nonce: createNonceSource(),
    ...(shared.signPool ? { signPool: shared.signPool } : {}),
    later: shared.later,
  };
  return context;
}

const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The merchant a request is for: the one whose order a payer page token opens, else the Authorization's mchid,
 *  else X-Sandbox-Mchid / ?mchid=, else the first. */
export function pickMerchant<T extends { ctx: SandboxContext }>(
  list: readonly T[],
  headers: IncomingHttpHeaders,
  target: string,
): T {
  if (list.length === 1) return list[0]!;
  const token = target.startsWith(PAY_PAGE_PREFIX) ? target.slice(PAY_PAGE_PREFIX.length).split(/[/?]/)[0]! : '';
  const owner = token ? list.find((e) => e.ctx.state.orderByPayToken(token)) : undefined;
  if (owner) return owner;
  const auth = /\bmchid="(\d+)"/.exec(header(headers, 'authorization') ?? '')?.[1];
  const q = target.indexOf('?');
  const named =
    auth ?? header(headers, MCHID_HEADER) ?? new URLSearchParams(q < 0 ? '' : target.slice(q + 1)).get('mchid');
  return list.find((e) => e.ctx.keys.mchid === named) ?? list[0]!;
}
