// `webhook tail`'s view of a journal entry: the same columns as `webhook serve`'s live line, timed by when the
// callback arrived, and the --filter rules (`key=value`, `*` at the end matches a prefix; one key given twice
// matches either value, different keys must all match).
import { WxpayError } from '../protocol/errors.js';
import type { ForwardResult } from './forwarder.js';
import { liveEvent, type LiveEvent } from './live-line.js';

/** Any journal line: a capture with its outcome, a forward result, a rejected digest or a rate-limit summary. */
type JournalEntry = Readonly<Record<string, unknown>>;

export type TailFilter = ReadonlyMap<string, readonly string[]>;

export const TAIL_FILTER_KEYS = [
  'event_type',
  'outcome',
  'status',
  'id',
  'verification',
  'out_trade_no',
  'out_bill_no',
  'state',
  'profile',
  'mchid',
] as const;

export function parseTailFilters(specs: readonly string[]): TailFilter {
  const filter = new Map<string, string[]>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = spec.slice(0, eq);
    if (eq <= 0 || !(TAIL_FILTER_KEYS as readonly string[]).includes(key))
      throw new WxpayError('USAGE', `--filter ${JSON.stringify(spec).slice(0, 80)} is not key=value with a known key`, {
        hint: `Use one of ${TAIL_FILTER_KEYS.join(', ')}, e.g. --filter event_type=REFUND.* --filter outcome=rejected.`,
      });
    filter.set(key, [...(filter.get(key) ?? []), spec.slice(eq + 1)]);
  }
  return filter;
}

const verificationOf = (e: JournalEntry): string => {
  const v = e.verification;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { serial?: unknown }).serial === 'string')
    return `verified ${(v as { serial: string }).serial}`;
  if (typeof e.code === 'string') return e.code; // a rejected request's error code
  // A store counts them without their sources.
  if (e.outcome === 'rate_limited')
    return `${String(e.count)} refused${typeof e.sources === 'number' ? ` from ${e.sources} addresses` : ''}`;
  return '-';
};

// Forward results are lines of their own ({id, outcome: forwarded|forward_failed, forward, at}).
const forwardOf = (e: JournalEntry): ForwardResult | undefined => {
  const f = e.forward as ForwardResult | undefined;
  return f && typeof f === 'object' && typeof f.ok === 'boolean' ? f : undefined;
};

const timeOf = (e: JournalEntry): string => {
  for (const t of [e.receivedAt, e.at, e.to]) if (typeof t === 'string') return t;
  return '-';
};

/** The live-line event of a journal entry. A duplicate's entry holds no resource: its columns stay '-'. */
export function tailEvent(e: JournalEntry): LiveEvent {
  const ev = liveEvent(
    {
      id: typeof e.id === 'string' ? e.id : '-',
      event_type: typeof e.event_type === 'string' ? e.event_type : '-',
      resource: e.resource,
      verification: verificationOf(e),
    },
    typeof e.status === 'number' ? e.status : 0,
    typeof e.outcome === 'string' ? e.outcome : '-',
    forwardOf(e),
  );
  ev.time = timeOf(e);
  if (typeof e.error === 'string') ev.error = e.error;
  if (typeof e.profile === 'string') ev.profile = e.profile;
  const mchid = e.mchid ?? (e.resource as { mchid?: unknown } | undefined)?.mchid;
  if (typeof mchid === 'string') ev.mchid = mchid;
  return ev;
}

const fits = (value: unknown, pattern: string): boolean => {
  if (value === undefined || value === null) return false;
  // Numbers and booleans read as they print; an object as its JSON, never [object Object].
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return pattern.endsWith('*') ? text.startsWith(pattern.slice(0, -1)) : text === pattern;
};

export function matchesFilter(ev: LiveEvent, filter: TailFilter): boolean {
  for (const [key, patterns] of filter)
    if (!patterns.some((p) => fits((ev as unknown as Record<string, unknown>)[key], p))) return false;
  return true;
}
