// The checks behind `wxpay config check` (and `wxpay smoke`): key, certificate, serial, mchid, APIv3 key,
// file permissions, key mode with expiry, notify URL. Each check reports instead of throwing.
import { stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import type { ResolvedProfile } from '../config/config.js';
import { loadApiV3Key, readKeyFile } from '../config/credentials.js';
import { loadPrivateKey } from '../protocol/keys.js';
import { keyModeChecks, merchantCertChecks } from './cert-checks.js';
import { failedCheck, type CheckResult, type CheckStatus } from './checks.js';
export type { CheckResult, CheckStatus };

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

export async function runConfigChecks(
  profile: ResolvedProfile,
  env: Readonly<Record<string, string | undefined>>,
  now: number,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const key = await privateKeyChecks(profile, results);
  results.push(...(await merchantCertChecks(profile, key, now)));
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
    results.push(failedCheck('APIv3 key', e));
  }
  results.push(...(await keyModeChecks(profile, now)));
  if (profile.notifyUrl) results.push(checkNotifyUrl(profile.notifyUrl));
  return results;
}

/** The private key loads and is readable by its owner only; returns the key for the certificate pair check. */
async function privateKeyChecks(profile: ResolvedProfile, results: CheckResult[]): Promise<KeyObject | undefined> {
  if (!profile.privateKeyPath) {
    results.push({
      name: 'private key',
      status: 'fail',
      message: 'privateKeyPath is not set',
      hint: 'Point privateKeyPath at apiclient_key.pem.',
    });
    return undefined;
  }
  let key: KeyObject | undefined;
  try {
    key = loadPrivateKey(await readKeyFile(profile.privateKeyPath, 'merchant private key'));
    results.push({
      name: 'private key',
      status: 'pass',
      message: `${profile.privateKeyPath} (RSA-${key.asymmetricKeyDetails?.modulusLength})`,
    });
    const mode = (await stat(profile.privateKeyPath)).mode;
    results.push(
      mode & 0o077
        ? {
            name: 'key file permissions',
            status: 'warn',
            message: `${profile.privateKeyPath} is readable by group or others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${profile.privateKeyPath}`,
            hint: `chmod 600 ${profile.privateKeyPath}`,
          }
        : { name: 'key file permissions', status: 'pass', message: 'owner only' },
    );
    return key;
  } catch (e) {
    results.push(failedCheck('private key', e));
    return key;
  }
}
