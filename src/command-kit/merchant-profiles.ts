// `webhook serve --profiles a,b` / `--all-profiles`: each named profile's verification keys and APIv3 key, for one
// listener that serves many merchants. Every profile must verify something; which serial is whose is checked by
// the listener at start (a serial loaded for two profiles is refused there).
import { loadApiV3Key, loadVerifierKeys } from '../config/credentials.js';
import type { ResolvedProfile } from '../config/config.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { MerchantKeys } from '../webhook/merchants.js';
import { loadProfile } from './shared.js';

/** The profile names of `--profiles a,b,c` (trimmed, no empties, no repeats), or every profile of the rc file. */
export async function merchantProfileNames(
  ctx: CommandContext,
  opts: { profiles?: string | undefined; allProfiles?: true | undefined },
): Promise<string[]> {
  if (opts.profiles !== undefined && opts.allProfiles)
    throw new WxpayError('USAGE', '--profiles and --all-profiles exclude each other', {
      hint: 'Name the profiles with --profiles a,b, or serve every profile of the rc file with --all-profiles.',
    });
  if (ctx.opts.profile !== undefined)
    throw new WxpayError('USAGE', '--profile names one merchant; this listener serves many', {
      hint: 'Drop --profile and list the merchants with --profiles a,b (or --all-profiles).',
    });
  const names = opts.allProfiles
    ? [...(await loadProfile(ctx)).profileNames]
    : (opts.profiles ?? '').split(',').map((n) => n.trim());
  if (!names.length || names.some((n) => !n))
    throw new WxpayError('USAGE', `--profiles needs names separated by commas, got "${opts.profiles ?? ''}"`, {
      hint: 'e.g. --profiles shop,franchise (the profile names of the rc file: wxpay config profiles).',
    });
  return [...new Set(names)];
}

export async function loadMerchantKeys(ctx: CommandContext, names: readonly string[]): Promise<MerchantKeys[]> {
  const out: MerchantKeys[] = [];
  for (const name of names) {
    const profile = await loadProfile({ ...ctx, opts: { ...ctx.opts, profile: name } });
    out.push(await merchantKeysOf(profile, ctx.rt.env));
  }
  return out;
}

async function merchantKeysOf(
  profile: ResolvedProfile,
  env: Readonly<Record<string, string | undefined>>,
): Promise<MerchantKeys> {
  const keys = await loadVerifierKeys(profile);
  if (keys.size === 0)
    throw new WxpayError('CONFIG_INVALID', `Profile "${profile.name}" has no verification key`, {
      hint: 'Set publicKeyId + publicKeyPath and/or platformCertDir in that profile: each merchant verifies its own callbacks.',
    });
  return {
    profile: profile.name,
    mchid: profile.mchid,
    keys,
    apiV3Key: await loadApiV3Key(profile, env),
    ...(profile.platformCertDir ? { reloadKeys: () => loadVerifierKeys(profile) } : {}),
  };
}
