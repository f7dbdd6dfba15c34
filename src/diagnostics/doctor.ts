// The checks behind `wxpay config check` (and `wxpay smoke`): key, certificate, serial, mchid, APIv3 key,
// file permissions, key mode with expiry, notify URL. Each check reports instead of throwing.
import { stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import type { ResolvedProfile } from '../config/config.js';
import { loadApiV3Key, loadPlatformCerts, readKeyFile } from '../config/credentials.js';
import { isWxpayError } from '../protocol/errors.js';
import {
  keyMatchesCertificate,
  loadPrivateKey,
  loadPublicKey,
  parseCertificate,
  type CertInfo,
} from '../protocol/keys.js';
import { isPublicKeyId, PUBLIC_KEY_ID_PREFIX } from '../protocol/serials.js';
import type { CheckResult, CheckStatus } from './checks.js';

export type { CheckResult, CheckStatus };

const DAY_MS = 86_400_000;
const msg = (e: unknown) => (isWxpayError(e) ? e.message : (e as Error).message);
const hintOf = (e: unknown) => (isWxpayError(e) ? e.hint : undefined);
const fail = (name: string, e: unknown): CheckResult => ({
  name,
  status: 'fail',
  message: msg(e),
  ...(hintOf(e) ? { hint: hintOf(e)! } : {}),
});

export function checkNotifyUrl(url: string): CheckResult {
  const name = 'notify URL';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { name, status: 'fail', message: `${url} is not an absolute URL`, hint: 'Use https://your.domain/path.' };
  }
  if (u.protocol !== 'https:')
    return {
      name,
      status: 'fail',
      message: `${url} is not https`,
      hint: 'WeChat Pay requires a public https notify_url.',
    };
  // URL.search is '' for a bare trailing '?', which still sends an (empty) query: check the text too.
  if (u.search || url.includes('?'))
    return {
      name,
      status: 'fail',
      message: `${url} has a query string`,
      hint: 'notify_url may not carry a query; put the data in the path.',
    };
  if (url.length > 255)
    return { name, status: 'fail', message: `${url.length} characters, more than 255`, hint: 'Shorten the URL.' };
  return { name, status: 'pass', message: url };
}

export function expiryCheck(name: string, cert: Pick<CertInfo, 'serial' | 'validTo'>, now: number): CheckResult {
  const days = Math.floor((cert.validTo.getTime() - now) / DAY_MS);
  const text = `${cert.serial} expires ${cert.validTo.toISOString()} (${days} days left)`;
  if (days < 0) return { name, status: 'fail', message: text, hint: 'Renew the certificate.' };
  if (days < 30)
    return {
      name,
      status: 'warn',
      message: text,
      hint: 'Less than 30 days left: renew or download the new certificate.',
    };
  return { name, status: 'pass', message: text };
}

export async function runConfigChecks(
  profile: ResolvedProfile,
  env: Readonly<Record<string, string | undefined>>,
  now: number,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let key: KeyObject | undefined;
  if (!profile.privateKeyPath)
    results.push({
      name: 'private key',
      status: 'fail',
      message: 'privateKeyPath is not set',
      hint: 'Point privateKeyPath at apiclient_key.pem.',
    });
  else {
    try {
      key = loadPrivateKey(await readKeyFile(profile.privateKeyPath, 'merchant private key'));
      results.push({
        name: 'private key',
        status: 'pass',
        message: `${profile.privateKeyPath} (RSA-${key.asymmetricKeyDetails?.modulusLength})`,
      });
      const mode = (await stat(profile.privateKeyPath)).mode & 0o077;
      results.push(
        mode
          ? {
              name: 'key file permissions',
              status: 'warn',
              message: `${profile.privateKeyPath} is readable by group or others (mode ${((await stat(profile.privateKeyPath)).mode & 0o777).toString(8)}): run chmod 600 ${profile.privateKeyPath}`,
              hint: `chmod 600 ${profile.privateKeyPath}`,
            }
          : { name: 'key file permissions', status: 'pass', message: 'owner only' },
      );
    } catch (e) {
      results.push(fail('private key', e));
    }
  }
  if (!profile.merchantCertPath) {
    results.push(
      profile.serialNo
        ? {
            name: 'merchant certificate',
            status: 'warn',
            message: 'merchantCertPath is not set; serialNo cannot be checked',
            hint: 'Set merchantCertPath to apiclient_cert.pem.',
          }
        : {
            name: 'merchant certificate',
            status: 'fail',
            message: 'neither merchantCertPath nor serialNo is set',
            hint: 'Set merchantCertPath to apiclient_cert.pem.',
          },
    );
  } else {
    try {
      const pem = await readKeyFile(profile.merchantCertPath, 'merchant certificate');
      const cert = parseCertificate(pem, 'merchant certificate');
      results.push(expiryCheck('merchant certificate', cert, now));
      if (key) {
        results.push(
          keyMatchesCertificate(key, pem)
            ? { name: 'key matches certificate', status: 'pass', message: `certificate ${cert.serial}` }
            : {
                name: 'key matches certificate',
                status: 'fail',
                message: 'the private key is not the pair of the certificate',
                hint: 'Use apiclient_key.pem and apiclient_cert.pem from the same download (WXCertUtil).',
              },
        );
      }
      if (profile.serialNo) {
        results.push(
          profile.serialNo.toUpperCase() === cert.serial
            ? { name: 'serialNo', status: 'pass', message: cert.serial }
            : {
                name: 'serialNo',
                status: 'fail',
                message: `serialNo ${profile.serialNo} is not the certificate's serial ${cert.serial}`,
                hint: 'Remove serialNo (it is derived from the certificate) or fix it.',
              },
        );
      } else results.push({ name: 'serialNo', status: 'pass', message: `${cert.serial} (from the certificate)` });
      if (profile.mchid) {
        results.push(
          cert.subjectCN === profile.mchid
            ? { name: 'mchid', status: 'pass', message: `${profile.mchid} = certificate CN` }
            : {
                name: 'mchid',
                status: 'fail',
                message: `mchid ${profile.mchid} is not the certificate's CN ${cert.subjectCN ?? '(none)'}`,
                hint: 'The API certificate belongs to another merchant, or mchid is mistyped.',
              },
        );
      }
    } catch (e) {
      results.push(fail('merchant certificate', e));
    }
  }
  if (!profile.mchid)
    results.push({
      name: 'mchid',
      status: 'fail',
      message: 'mchid is not set',
      hint: 'Set mchid in the profile or WXPAY_MCHID.',
    });
  try {
    await loadApiV3Key(profile, env);
    results.push({ name: 'APIv3 key', status: 'pass', message: '32 bytes' });
  } catch (e) {
    results.push(fail('APIv3 key', e));
  }
  results.push(...(await keyModeChecks(profile, now)));
  if (profile.notifyUrl) results.push(checkNotifyUrl(profile.notifyUrl));
  return results;
}

async function keyModeChecks(profile: ResolvedProfile, now: number): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  if (profile.publicKeyId || profile.publicKeyPath) {
    try {
      const id = profile.publicKeyId ?? '';
      if (!isPublicKeyId(id)) throw new Error(`publicKeyId "${id}" should start with ${PUBLIC_KEY_ID_PREFIX}`);
      if (!profile.publicKeyPath) throw new Error('publicKeyPath is not set');
      loadPublicKey(await readKeyFile(profile.publicKeyPath, 'WeChat Pay public key'));
      out.push({ name: 'WeChat Pay public key', status: 'pass', message: id });
    } catch (e) {
      out.push({
        ...fail('WeChat Pay public key', e),
        hint: hintOf(e) ?? 'Set publicKeyId (PUB_KEY_ID_…) and publicKeyPath (pub_key.pem) together.',
      });
    }
  }
  if (profile.platformCertDir) {
    try {
      const certs = await loadPlatformCerts(profile.platformCertDir);
      if (!certs.length)
        out.push({
          name: 'platform certificates',
          status: 'fail',
          message: `none in ${profile.platformCertDir}`,
          hint: 'Run `wxpay certs download`.',
        });
      for (const c of certs) out.push(expiryCheck(`platform certificate`, c, now));
    } catch (e) {
      out.push(fail('platform certificates', e));
    }
  }
  if (!out.length) {
    out.push({
      name: 'key mode',
      status: 'fail',
      message: 'no WeChat Pay public key and no platform certificates are configured',
      hint: 'Set publicKeyId + publicKeyPath (public-key mode) or platformCertDir (platform-certificate mode).',
    });
  }
  return out;
}
