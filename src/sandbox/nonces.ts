// Replay protection on the v3 side (issue 12): a nonce_str accepted within the ±300 s window is refused when it
// comes again, like WeChat Pay refuses a replayed request. Bounded memory:
// - only requests whose signature verified are remembered, so nobody without the merchant key can add entries;
// - an entry lives while its request could still pass the timestamp check (max(now, timestamp) + window), and
//   expired entries are dropped from the front of the insertion-ordered map on every call;
// - each entry is at most ~90 characters: mchid and nonce, or their digest when the nonce is long (a nonce may be
//   up to a header's 16 KB);
// - past `cap` entries the oldest goes first, so a flood of signed requests (the merchant's own load test) cannot
//   grow it without bound. Only a flood larger than `cap` within 5 minutes could push a nonce out early.
import { createHash } from 'node:crypto';

export const NONCE_CAP = 100_000;

/** Nonces up to this length are kept as they are: shorter than their digest, and no SHA-256 per request. */
const PLAIN_UP_TO = 64;

/** The entry's key: `p` + the text itself when short, `h` + its SHA-256 otherwise (the prefix keeps the two kinds
 *  apart), after the mchid's length so that mchid and nonce cannot run into each other. */
function ledgerKey(mchid: string, nonce: string): string {
  const who = `${mchid.length}:${mchid}:`;
  if (nonce.length <= PLAIN_UP_TO) return `p${who}${nonce}`;
  return `h${createHash('sha256').update(who).update(nonce).digest('base64')}`;
}

export class NonceLedger {
  /** digest -> expiry in ms; insertion order is roughly expiry order. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly cap = NONCE_CAP,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** Records the nonce; false when the same mchid already used it and it has not expired. */
  remember(mchid: string, nonce: string, nowMs: number, timestampMs: number): boolean {
    this.prune(nowMs);
    const key = ledgerKey(mchid, nonce);
    const until = this.seen.get(key);
    if (until !== undefined && until > nowMs) return false;
    this.seen.delete(key);
    if (this.seen.size >= this.cap) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, Math.max(nowMs, timestampMs) + this.windowMs);
    return true;
  }

  private prune(nowMs: number): void {
    for (const [key, until] of this.seen) {
      // A request timestamped ahead (or a clock moved back) expires later and stops the sweep; the cap still holds.
      if (until > nowMs) return;
      this.seen.delete(key);
    }
  }
}
