// The answer to a callback that failed verification or decryption: journalled (a bounded digest for anyone's junk,
// whole for one WeChat Pay signed) while its source is within its token bucket, else a 429 after a short tarpit.
import { isWxpayError } from '../protocol/errors.js';
import { captureOf } from './capture.js';
import type { HandlerDeps, Incoming, Reply } from './handler.js';
import { rejectDigest } from './rejections.js';

/** WeChat Pay reads only the status: 401 for a bad or probe signature, 400 for a body that is not a notification,
 *  500 for what is our fault (wrong APIv3 key, journal) so that WeChat Pay retries once it is fixed. */
export function statusFor(code: string): number {
  if (code.startsWith('VERIFY_')) return 401;
  if (code === 'NOTIFY_NOT_JSON' || code === 'NOTIFY_BAD_RESOURCE') return 400;
  return 500;
}

/** How long a source over its rejection limit waits for its 429, and how many may wait at once (each holds its
 *  request; past this many, pipelined junk is answered at once rather than held in memory). */
export const TARPIT_MS = 50;
const TARPIT_MAX = 1_000;
export const fail = (status: number, message: string): Reply => ({
  status,
  body: JSON.stringify({ code: 'FAIL', message }),
});
const UNKNOWN_SERIAL_HINT =
  'unknown serial: if WeChat Pay rotated its platform certificate, refresh platformCertDir with `wxpay certs download` (the listener re-reads it)';

type RejectDeps = Pick<HandlerDeps, 'limiter' | 'now' | 'journal' | 'merchants' | 'onEvent'>;

/** The rejecting half of one handler: it owns the count of requests waiting in the tarpit. */
export function createRejecter(deps: RejectDeps): (req: Incoming, err: unknown) => Promise<Reply> {
  let tarpitted = 0;
  return async (req, err) => {
    const code = isWxpayError(err) ? err.code : 'INTERNAL';
    const status = statusFor(code);
    if (deps.limiter && !deps.limiter.admit(req.remote, deps.now())) {
      // A short wait before the 429 (a tarpit) paces a flooding connection as a journal write once did, so junk
      // answered for free cannot take the CPU the real callbacks need.
      if (tarpitted < TARPIT_MAX) {
        tarpitted++;
        await new Promise((r) => setTimeout(r, TARPIT_MS));
        tarpitted--;
      }
      return fail(429, 'too many rejected requests from this address');
    }
    await journalRejection(deps, req, status, code);
    deps.onEvent({
      time: req.receivedAt,
      status,
      outcome: 'rejected',
      verification: code,
      ...(code === 'VERIFY_UNKNOWN_SERIAL'
        ? { error: `${req.headers['wechatpay-serial'] ?? ''} ${UNKNOWN_SERIAL_HINT}`.trim() }
        : {}),
    });
    return fail(status, code);
  };
}

/** Anyone can send a request that fails verification: it is journalled as a digest. One that verified and then
 *  failed (DECRYPT_*, a bad body) came from WeChat Pay: kept whole, for `notify decrypt --capture` or a replay
 *  once the APIv3 key is fixed. */
async function journalRejection(deps: RejectDeps, req: Incoming, status: number, code: string): Promise<void> {
  const signed = !code.startsWith('VERIFY_') && code !== 'INTERNAL';
  const entry = signed ? { ...captureOf(req), outcome: 'rejected', status, code } : rejectDigest(req, status, code);
  await deps.journal
    .append(req.profile === undefined ? entry : { ...entry, ...deps.merchants?.tag(req.profile) })
    .catch(() => undefined);
}
