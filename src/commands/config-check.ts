// `wxpay config check`: the doctor. Any fail exits 3 (CONFIG_CHECK_FAILED).
import { runConfigChecks } from '../diagnostics/doctor.js';
import { WxpayError } from '../protocol/errors.js';
import { noRcFileHint } from '../config/credentials.js';
import type { CommandContext } from '../runtime.js';
import { loadProfile, outputFor } from '../command-kit/shared.js';
import { printChecks } from '../command-kit/print-checks.js';

export async function run(ctx: CommandContext): Promise<void> {
  const profile = await loadProfile(ctx);
  const checks = await runConfigChecks(profile, ctx.rt.env, ctx.rt.now());
  const out = outputFor(ctx);
  const failed = checks.filter((r) => r.status === 'fail');
  if (out.json) out.data({ profile: profile.name, ok: failed.length === 0, checks });
  else {
    out.line(`${out.color.bold('profile')} ${profile.name} (${profile.configPath ?? 'no rc file found'})`);
    printChecks(out, checks);
  }
  if (failed.length) {
    throw new WxpayError(
      'CONFIG_CHECK_FAILED',
      `${failed.length} check(s) failed: ${failed.map((f) => f.name).join(', ')}`,
      {
        // With no rc file (and nothing from the environment) every check fails; the first one's hint ("Point privateKeyPath at …") misses the point.
        hint:
          profile.configPath === undefined && Object.values(profile.sources).every((s) => s === 'default')
            ? noRcFileHint()
            : (failed[0]?.hint ?? 'Fix the failed checks above.'),
      },
    );
  }
}
