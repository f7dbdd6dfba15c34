// `wxpay config profiles`: the profile names in the rc file, one per line (used by shell completion).
import { findConfigFile } from '../config/config.js';
import type { CommandContext } from '../runtime.js';
import { outputFor } from '../command-kit/shared.js';

export async function run(ctx: CommandContext): Promise<void> {
  // allowCode: false: shell completion runs this on TAB, so it must never run an rc file, even a named one.
  const found = await findConfigFile({
    cwd: ctx.rt.cwd,
    env: ctx.rt.env,
    allowCode: false,
    ...(ctx.rt.uid !== undefined ? { uid: ctx.rt.uid } : {}),
    ...(ctx.opts.config ? { configFile: ctx.opts.config } : {}),
  });
  const cfg = found?.config as { profiles?: Record<string, unknown> } | undefined;
  const names = found
    ? cfg && typeof cfg.profiles === 'object' && cfg.profiles
      ? Object.keys(cfg.profiles)
      : ['default']
    : [];
  const out = outputFor(ctx);
  if (out.json) out.data({ configPath: found?.filepath ?? null, profiles: names });
  else for (const n of names) out.line(n);
}
