// Keys for `notify trigger` and `notify replay --resign`: the sandbox's signing key (public key in pubkey mode,
// the newest platform certificate in cert mode) and the APIv3 key (the profile's, else the sandbox's).
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { loadApiV3Key } from '../config/credentials.js';
import { EXIT, WxpayError, isWxpayError } from '../protocol/errors.js';
import { DEFAULT_SANDBOX_DIR, type SandboxKeys } from '../sandbox/keyset.js';
import { loadMerchantKeySets } from '../sandbox/merchant-contexts.js';
import type { CommandContext } from '../runtime.js';
import type { NotifyReplayOptions, NotifyTriggerOptions } from '../cli/notify.js';
import { loadProfile, outputFor } from './shared.js';
import { normalizeSerial } from '../protocol/serials.js';

export interface Signer {
  serial: string;
  key: KeyObject;
}

/** --sandbox-dir / --sign-with, as `notify trigger` and `notify replay` declare them. */
export type SignerOptions = Pick<NotifyTriggerOptions | NotifyReplayOptions, 'sandboxDir' | 'signWith'>;

/** The sandbox's keys; in a sandbox of many merchants (`sandbox init --merchants N`), those of the profile's mchid,
 *  so `--profile sandbox-2` sends as merchant 2 (its platform key, its mchid). */
export async function sandboxKeys(ctx: CommandContext<SignerOptions>): Promise<SandboxKeys> {
  const sets = await loadMerchantKeySets(path.resolve(ctx.rt.cwd, ctx.opts.sandboxDir ?? DEFAULT_SANDBOX_DIR));
  if (sets.length === 1) return sets[0]!;
  const mchid = (await loadProfile(ctx).catch(() => undefined))?.mchid;
  return sets.find((s) => s.mchid === mchid) ?? sets[0]!;
}

/** `serial` picks the key a capture was signed with, when the sandbox has it. */
export function pickSigner(sb: SandboxKeys, signWith?: string, serial?: string): Signer {
  if (serial === sb.publicKeyId) return { serial, key: sb.publicKeyPrivate };
  const cert = serial ? sb.platform.find((p) => p.serial === normalizeSerial(serial)) : undefined;
  if (cert) return { serial: cert.serial, key: cert.privateKey };
  if (signWith !== undefined && signWith !== 'cert' && signWith !== 'pubkey') {
    throw new WxpayError('USAGE', `--sign-with must be cert or pubkey, got "${signWith}"`, {
      hint: 'cert: the newest platform certificate; pubkey: the WeChat Pay public key.',
    });
  }
  const usePub = signWith ? signWith === 'pubkey' : sb.mode !== 'cert';
  if (usePub) return { serial: sb.publicKeyId, key: sb.publicKeyPrivate };
  const newest = sb.platform[sb.platform.length - 1];
  if (!newest)
    throw new WxpayError('CONFIG_INVALID', `The sandbox in ${sb.dir} has no platform certificate`, {
      hint: 'Run `wxpay sandbox init` again, or use --sign-with pubkey.',
    });
  return { serial: newest.serial, key: newest.privateKey };
}

/** The profile's APIv3 key (that is what the receiver decrypts with); the sandbox's when no profile resolves. */
export async function triggerApiV3Key(ctx: CommandContext<SignerOptions>, sb: SandboxKeys): Promise<KeyObject> {
  try {
    return await loadApiV3Key(await loadProfile(ctx), ctx.rt.env);
  } catch (err) {
    if (!isWxpayError(err) || err.exitCode !== EXIT.config) throw err;
    outputFor(ctx).note(
      `note: no APIv3 key in the profile (${err.code}); encrypting with the sandbox's key from ${sb.dir}`,
    );
    return sb.apiV3Key;
  }
}
