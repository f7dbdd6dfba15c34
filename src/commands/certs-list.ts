// `wxpay certs list`: the platform certificates on disk (platformCertDir), with validity and expiry warnings.
// Offline: it reads files only.
import path from 'node:path';
import { loadPlatformCerts } from '../config/credentials.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { CertsListOptions } from '../cli/certs.js';
import { loadProfile, outputFor } from '../command-kit/shared.js';

const DAY = 86_400_000;
export const EXPIRY_WARNING_DAYS = 30;

export async function run(ctx: CommandContext<CertsListOptions>): Promise<void> {
  const profile = await loadProfile(ctx);
  const dir = ctx.opts.dir ? path.resolve(ctx.rt.cwd, ctx.opts.dir) : profile.platformCertDir;
  const out = outputFor(ctx);
  if (!dir) {
    if (profile.publicKeyId) {
      if (out.json) return out.data({ dir: null, publicKeyId: profile.publicKeyId, certificates: [] });
      out.line(
        `No platform certificates: profile "${profile.name}" verifies with the WeChat Pay public key ${profile.publicKeyId}.`,
      );
      return;
    }
    throw new WxpayError('USAGE', 'The profile has no platformCertDir', {
      hint: 'Pass --dir <dir> or set "platformCertDir"; download certificates with `wxpay certs download`.',
    });
  }
  const now = ctx.rt.now();
  const certs = (await loadPlatformCerts(dir)).map((c) => {
    const daysLeft = Math.floor((c.validTo.getTime() - now) / DAY);
    const status =
      daysLeft < 0
        ? 'expired'
        : daysLeft < EXPIRY_WARNING_DAYS
          ? 'expiring'
          : c.validFrom.getTime() > now
            ? 'not yet valid'
            : 'valid';
    return {
      serial: c.serial,
      notBefore: c.validFrom.toISOString(),
      notAfter: c.validTo.toISOString(),
      daysLeft,
      status,
      file: c.file,
    };
  });
  for (const c of certs) {
    if (c.status === 'expired') out.warn(`certificate ${c.serial} expired ${-c.daysLeft} day(s) ago (${c.file})`);
    else if (c.status === 'expiring')
      out.warn(`certificate ${c.serial} expires in ${c.daysLeft} day(s): run \`wxpay certs download\``);
  }
  if (out.json)
    return out.data({ dir, ...(profile.publicKeyId ? { publicKeyId: profile.publicKeyId } : {}), certificates: certs });
  if (!certs.length) out.line(`No certificates in ${dir}. Run \`wxpay certs download\`.`);
  for (const c of certs)
    out.line(
      `${c.serial}  ${c.notAfter.slice(0, 10)}  ${String(c.daysLeft).padStart(5)} days  ${c.status}  ${path.basename(c.file)}`,
    );
}
