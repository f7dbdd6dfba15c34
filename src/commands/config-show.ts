// `wxpay config show`: the resolved profile, where each value came from, secrets redacted.
import { PROFILE_FIELDS, type ResolvedProfile, type SecretRef } from '../config/config.js';
import { redactStoreUrl } from '../protocol/redact.js';
import type { CommandContext } from '../runtime.js';
import { loadProfile, outputFor } from '../command-kit/shared.js';

export function describeSecret(ref: SecretRef): string {
  if (ref.kind === 'env') return `(redacted; from env ${ref.name})`;
  if (ref.kind === 'file') return `(redacted; from file ${ref.path})`;
  return `(redacted; from ${ref.from})`;
}

export function showableProfile(p: ResolvedProfile): Record<string, { value: string; source: string }> {
  const out: Record<string, { value: string; source: string }> = {};
  for (const f of PROFILE_FIELDS) {
    const v = p[f];
    if (v === undefined) continue;
    out[f] = {
      // The ledger's and the store's URLs may hold a password.
      value: typeof v !== 'string' ? describeSecret(v) : f === 'ledger' || f === 'store' ? redactStoreUrl(v) : v,
      source: p.sources[f] ?? 'default',
    };
  }
  return out;
}

export async function run(ctx: CommandContext): Promise<void> {
  const profile = await loadProfile(ctx);
  const fields = showableProfile(profile);
  const out = outputFor(ctx);
  // How the rc file was chosen matters: a named file is trusted, a found one had to pass the search's checks.
  const how = profile.configPath ? (profile.configExplicit ? 'named' : 'found') : null;
  if (out.json) {
    out.data({
      profile: profile.name,
      configPath: profile.configPath ?? null,
      config: how,
      profiles: profile.profileNames,
      fields,
    });
    return;
  }
  const rc = profile.configPath
    ? `${profile.configPath}, ${how === 'named' ? 'named with --config / WXPAY_CONFIG' : 'found by searching'}`
    : 'no rc file found';
  out.line(`${out.color.bold('profile')} ${profile.name}${out.color.dim(`  (${rc})`)}`);
  out.table(Object.entries(fields).map(([k, { value, source }]) => [k, `${value}  ${out.color.dim(`← ${source}`)}`]));
}
