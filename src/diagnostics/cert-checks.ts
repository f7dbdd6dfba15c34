// The certificate checks of the doctor: the merchant certificate (expiry, key pair, serialNo, mchid = CN) and the
// key mode (WeChat Pay public key, or platform certificates with their expiry).
import type { KeyObject } from 'node:crypto';
import type { ResolvedProfile } from '../config/config.js';
import { loadPlatformCerts, readKeyFile } from '../config/credentials.js';
import { isWxpayError } from '../protocol/errors.js';
import { keyMatchesCertificate, loadPublicKey, parseCertificate, type CertInfo } from '../protocol/keys.js';
import { isPublicKeyId, PUBLIC_KEY_ID_PREFIX } from '../protocol/serials.js';
import { failedCheck, type CheckResult } from './checks.js';

const DAY_MS = 86_400_000;

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

export async function merchantCertChecks(
  profile: ResolvedProfile,
  key: KeyObject | undefined,
  now: number,
): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  if (!profile.merchantCertPath) {
    out.push(
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
      out.push(expiryCheck('merchant certificate', cert, now));
      if (key) {
        out.push(
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
      out.push(...identityChecks(profile, cert));
    } catch (e) {
      out.push(failedCheck('merchant certificate', e));
    }
  }
  return out;
}

/** serialNo and mchid, when set, must be the certificate's serial and CN. */
function identityChecks(profile: ResolvedProfile, cert: CertInfo): CheckResult[] {
  const out: CheckResult[] = [];
  if (profile.serialNo) {
    out.push(
      profile.serialNo.toUpperCase() === cert.serial
        ? { name: 'serialNo', status: 'pass', message: cert.serial }
        : {
            name: 'serialNo',
            status: 'fail',
            message: `serialNo ${profile.serialNo} is not the certificate's serial ${cert.serial}`,
            hint: 'Remove serialNo (it is derived from the certificate) or fix it.',
          },
    );
  } else out.push({ name: 'serialNo', status: 'pass', message: `${cert.serial} (from the certificate)` });
  if (profile.mchid) {
    out.push(
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
  return out;
}

export async function keyModeChecks(profile: ResolvedProfile, now: number): Promise<CheckResult[]> {
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
        ...failedCheck('WeChat Pay public key', e),
        hint:
          (isWxpayError(e) ? e.hint : undefined) ??
          'Set publicKeyId (PUB_KEY_ID_…) and publicKeyPath (pub_key.pem) together.',
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
      out.push(failedCheck('platform certificates', e));
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
