// `wxpay certs download`: GET /v3/certificates (docs/protocol.md §3), decrypt each certificate with the APIv3 key,
// verify the response with --known-cert or else with the certificates just decrypted (CertificateDownloader
// semantics), and save wechatpay_<SERIAL>.pem next to older ones so that rotation keeps working.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { certificateFileName, downloadCertificates, type DecryptedCertificate } from '../api/certificates.js';
import { WxpayError, isWxpayError, type WxpayErrorOptions } from '../protocol/errors.js';
import { createKeyStore, parseCertificate, type KeyStore } from '../protocol/keys.js';
import { writeFileSafe } from '../files/safe-write.js';
import type { WxpayClient } from '../http/client.js';
import type { CommandContext } from '../runtime.js';
import type { Output } from '../render.js';
import type { CertsDownloadOptions } from '../cli/certs.js';
import { withClient } from '../command-kit/client-context.js';
import { outputFor, readInput } from '../command-kit/shared.js';

const DAY = 86_400_000;

/** A readable file (a link to one counts: it is not rewritten); a dangling link reaches writeFileSafe, which refuses it. */
async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}

function publicKeyOnly(
  profile: { name: string; publicKeyId?: string | undefined },
  extra: Omit<WxpayErrorOptions, 'hint'> = {},
): WxpayError {
  return new WxpayError(
    'CONFIG_INVALID',
    `Profile "${profile.name}" uses the WeChat Pay public key (${profile.publicKeyId}); public-key merchants have no platform certificates to download`,
    {
      ...extra,
      hint: 'Nothing to do: responses are verified with publicKeyId + publicKeyPath (pub_key.pem from 商户平台 → 账户中心 → API安全). Set platformCertDir (or --output) only if this merchant still uses platform certificates.',
    },
  );
}

export async function run(ctx: CommandContext<CertsDownloadOptions>): Promise<void> {
  const { opts, rt } = ctx;
  // --known-cert: trust only this certificate for the response signature (CertificateDownloader's -c).
  const knownPem = opts.knownCert ? await readInput(rt, opts.knownCert, 'known certificate') : undefined;
  const known = knownPem ? parseCertificate(knownPem, 'known certificate') : undefined;
  const trusted = known ? createKeyStore([[known.serial, known.publicKey]]) : undefined;
  await withClient(
    ctx,
    async ({ client, profile }) => {
      if (profile.publicKeyId && !profile.platformCertDir && !opts.output) throw publicKeyOnly(profile);
      const dir = opts.output ? path.resolve(rt.cwd, opts.output) : profile.platformCertDir;
      if (!dir)
        throw new WxpayError('USAGE', 'Where to save? The profile has no platformCertDir', {
          hint: 'Pass --output <dir> or set "platformCertDir" in the profile.',
        });
      const certs = await download(client, profile, trusted);
      const rows = await saveNew(dir, certs, rt.now());
      printSaved(outputFor(ctx), dir, rows);
    },
    { requireApiV3Key: true },
  );
}

/** downloadCertificates, with a 404 explained: that merchant most likely has a WeChat Pay public key instead. */
async function download(
  client: WxpayClient,
  profile: { name: string; publicKeyId?: string | undefined },
  trusted: KeyStore | undefined,
): Promise<DecryptedCertificate[]> {
  try {
    return await downloadCertificates(client, trusted);
  } catch (e) {
    if (isWxpayError(e) && e.code === 'WECHATPAY_ERROR' && e.wechatpay && e.wechatpay.status === 404) {
      // A public-key profile asking anyway (e.g. with --output): a configuration problem, exit 3 as documented.
      if (profile.publicKeyId)
        throw publicKeyOnly(profile, {
          ...(e.requestId ? { requestId: e.requestId } : {}),
          wechatpay: e.wechatpay,
          cause: e,
        });
      throw new WxpayError('WECHATPAY_ERROR', e.message, {
        ...(e.requestId ? { requestId: e.requestId } : {}),
        wechatpay: e.wechatpay,
        hint: 'This merchant may be public-key only (no platform certificates): configure publicKeyId and publicKeyPath instead.',
      });
    }
    throw e;
  }
}

interface SavedCertificate {
  serial: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  file: string;
  saved: boolean;
}

/** Writes the certificates not already in dir; a file already there is kept as it is (rotation keeps old ones). */
async function saveNew(dir: string, certs: DecryptedCertificate[], nowMs: number): Promise<SavedCertificate[]> {
  await mkdir(dir, { recursive: true });
  const rows = [];
  for (const c of certs) {
    const file = path.join(dir, certificateFileName(c.serial));
    const isNew = !(await exists(file));
    if (isNew) await writeFileSafe(file, c.pem);
    rows.push({
      serial: c.serial,
      notBefore: c.validFrom.toISOString(),
      notAfter: c.validTo.toISOString(),
      daysLeft: Math.floor((c.validTo.getTime() - nowMs) / DAY),
      file,
      saved: isNew,
    });
  }
  return rows;
}

function printSaved(out: Output, dir: string, rows: SavedCertificate[]): void {
  if (out.json) {
    out.data({ dir, certificates: rows });
    return;
  }
  for (const r of rows) {
    out.table([
      ['serial', r.serial],
      ['valid', `${r.notBefore} → ${r.notAfter}`],
      ['days left', String(r.daysLeft)],
      ['file', `${r.file}${r.saved ? ' (new)' : ' (already there)'}`],
    ]);
    out.line();
  }
  out.note(`${rows.length} certificate(s) verified and decrypted; older files in ${dir} were kept.`);
}
