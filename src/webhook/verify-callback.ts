// Verifying one callback for the handler: with many merchants the set chooses the key; with one merchant in
// certificate mode an unknown serial reads platformCertDir again (a rotated certificate) before it is refused.
import { isWxpayError } from '../protocol/errors.js';
import type { KeyStore } from '../protocol/keys.js';
import { verifyAndDecrypt, type VerifiedNotification } from '../protocol/notification.js';
import type { HandlerDeps, Incoming } from './handler.js';
import type { MerchantTag } from './merchants.js';

/** A verified callback and, with many merchants, whose it is. */
export interface Verified {
  v: VerifiedNotification;
  merchant?: MerchantTag;
}

type VerifyDeps = Pick<HandlerDeps, 'now' | 'windowSeconds' | 'merchants' | 'keys' | 'apiV3Key' | 'reloadKeys'>;

/** The verifying half of one handler: it holds the current keys, replaced when a reload finds new ones. With one
 *  merchant and a known key it answers synchronously (or throws), so the usual callback costs no promise here. */
export function createVerifier(deps: VerifyDeps): (req: Incoming) => Verified | Promise<Verified> {
  let keys: KeyStore | undefined = deps.keys;
  const input = (req: Incoming) => ({
    headers: req.headers,
    rawBody: req.rawBody,
    keys: keys!,
    apiV3Key: deps.apiV3Key!,
    now: Math.floor(deps.now() / 1000),
    ...(deps.windowSeconds !== undefined ? { windowSeconds: deps.windowSeconds } : {}),
  });
  // A rotated platform certificate: read platformCertDir again (at most once a second) before answering 401.
  const reloadAndVerify = async (req: Incoming, err: unknown): Promise<Verified> => {
    const fresh = await deps.reloadKeys!().catch(() => undefined);
    if (!fresh) throw err;
    keys = fresh;
    return { v: verifyAndDecrypt(input(req)) };
  };
  return (req) => {
    if (deps.merchants)
      return deps.merchants.verify(
        {
          headers: req.headers,
          rawBody: req.rawBody,
          now: Math.floor(deps.now() / 1000),
          windowSeconds: deps.windowSeconds,
        },
        req.profile,
      );
    try {
      return { v: verifyAndDecrypt(input(req)) };
    } catch (err) {
      if (!isWxpayError(err) || err.code !== 'VERIFY_UNKNOWN_SERIAL' || !deps.reloadKeys) throw err;
      return reloadAndVerify(req, err);
    }
  };
}
