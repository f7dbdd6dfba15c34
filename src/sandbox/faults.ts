// Fault injection for `/v3` answers and notifications (POST /sandbox/faults): server errors, rate limits,
// slow answers, reset connections, and signatures a correct client must reject (probe, tamper, wrong key, ...).
import { paramError } from './api-error.js';

export const FAULT_KINDS = [
  '500',
  '429',
  'slow',
  'reset',
  'probe',
  'tamper',
  'bad-signature',
  'unknown-serial',
  'stale-timestamp',
  'bill-hash',
  'bill-creating',
  'receipt-hash',
  'drop',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** Faults that happen before the request is handled (no side effects on state). */
export const EARLY_FAULTS: ReadonlySet<FaultKind> = new Set(['500', '429', 'slow', 'reset']);
/** Faults a route fires itself (routes/bills.ts, transfer-receipts.ts), never as a late signature fault. */
export const ROUTE_FAULTS: ReadonlySet<FaultKind> = new Set(['bill-hash', 'bill-creating', 'receipt-hash']);

const TERMINAL: ReadonlySet<FaultKind> = new Set(['500', '429', 'reset']);

export interface Fault {
  kind: FaultKind;
  /** Probability per matching request, 0..1 (default 1). */
  rate: number;
  /** Fires at most this many times; undefined = unlimited. */
  count?: number;
  /** Request-path prefix, e.g. "/v3/pay/"; undefined = every /v3 path. */
  path?: string;
  /** For slow: the delay (default 3000 ms). */
  delayMs?: number;
  /** responses (default), notifications, or all. */
  target: 'responses' | 'notifications' | 'all';
  fired: number;
}

export class FaultSet {
  private list: Fault[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  set(input: unknown): Fault[] {
    const faults = (input as { faults?: unknown } | null)?.faults;
    if (!Array.isArray(faults)) throw paramError('faults must be an array');
    this.list = faults.map((f, i) => parseFault(f, i));
    return this.list;
  }

  /** Adds one fault to the active ones (their counts go on). */
  add(input: unknown): Fault[] {
    this.list = [...this.list, parseFault(input, this.list.length)];
    return this.list;
  }

  clear(): void {
    this.list = [];
  }

  all(): Fault[] {
    return this.list;
  }

  /** The faults that fire for this event (each one rolls its rate and spends its count). */
  fire(target: 'responses' | 'notifications', path: string, kinds: ReadonlySet<FaultKind> | 'late'): Fault[] {
    const out: Fault[] = [];
    for (const f of this.list) {
      const early = EARLY_FAULTS.has(f.kind);
      if (kinds === 'late' ? early || ROUTE_FAULTS.has(f.kind) : !kinds.has(f.kind)) continue;
      if (f.target !== 'all' && f.target !== target) continue;
      if (f.path !== undefined && !path.startsWith(f.path)) continue;
      if (f.count !== undefined && f.fired >= f.count) continue;
      // One request ends in at most one of 500 / 429 / reset; the others keep their count for later requests.
      if (TERMINAL.has(f.kind) && out.some((o) => TERMINAL.has(o.kind))) continue;
      if (f.rate < 1 && this.random() >= f.rate) continue;
      f.fired += 1;
      out.push(f);
    }
    return out;
  }
}

function parseFault(f: unknown, i: number): Fault {
  const o = (f ?? {}) as Record<string, unknown>;
  const at = `/faults/${i}`;
  if (!FAULT_KINDS.includes(o.kind as FaultKind))
    throw paramError(`${at}/kind: kind must be one of ${FAULT_KINDS.join(', ')}`);
  const rate = o.rate === undefined ? 1 : Number(o.rate);
  if (!(rate >= 0 && rate <= 1)) throw paramError(`${at}/rate: rate must be between 0 and 1`);
  if (o.count !== undefined && !(Number.isInteger(o.count) && (o.count as number) >= 0))
    throw paramError(`${at}/count: count must be a whole number`);
  if (o.path !== undefined && typeof o.path !== 'string') throw paramError(`${at}/path: path must be a string`);
  if (o.delayMs !== undefined && !(Number.isInteger(o.delayMs) && (o.delayMs as number) >= 0))
    throw paramError(`${at}/delayMs: delayMs must be a whole number`);
  const target = o.target ?? 'responses';
  if (!['responses', 'notifications', 'all'].includes(target as string))
    throw paramError(`${at}/target: target must be responses, notifications or all`);
  // A lost notification: only a notification can be dropped (an answer that never comes is `reset`).
  if (o.kind === 'drop' && target !== 'notifications')
    throw paramError(`${at}/target: the drop fault needs "target":"notifications"`);
  return {
    kind: o.kind as FaultKind,
    rate,
    ...(o.count !== undefined ? { count: o.count as number } : {}),
    ...(o.path !== undefined ? { path: o.path } : {}),
    ...(o.delayMs !== undefined ? { delayMs: o.delayMs as number } : {}),
    target: target as Fault['target'],
    fired: 0,
  };
}
