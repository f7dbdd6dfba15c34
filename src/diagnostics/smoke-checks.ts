// The read-only checks behind `wxpay smoke`: clock skew from the server's Date header, certificates or the
// public key (present, not expiring within 30 days, the server's list known locally), and one signed query for
// a random, nonexistent out_trade_no. WeChat Pay signs only 2xx answers (docs/protocol.md §2), so the 404
// ORDER_NOT_EXIST cannot be signature-verified; it proves instead that WeChat Pay accepted our signature, mchid
// and serial (a bad one is a 401 SIGN_ERROR) and answered with its own error shape and a Request-ID.
import { randomBytes } from 'node:crypto';
import type { ProxySettings } from '../http/proxy.js';
import { serverDate } from '../http/probe.js';
import { downloadCertificates } from '../api/certificates.js';
import { queryOrder } from '../api/transactions.js';
import type { WxpayClient } from '../http/client.js';
import type { ResolvedProfile } from '../config/config.js';
import { loadPlatformCerts, readKeyFile } from '../config/credentials.js';
import { expiryCheck } from './cert-checks.js';
import { worstStatus, type CheckResult } from './checks.js';
import { isWxpayError } from '../protocol/errors.js';
import { parseCertificate } from '../protocol/keys.js';

/** A smoke check before it is named and timed. */
export type Check = Omit<CheckResult, 'ms' | 'name'>;

export const SKEW_FAIL_SECONDS = 300;
export const SKEW_WARN_SECONDS = 60;

export function failFrom(e: unknown): Check {
  if (!isWxpayError(e))
    return {
      status: 'fail',
      message: (e as Error).message,
      code: 'INTERNAL',
      hint: 'This is a bug in wxpay; please report it.',
    };
  const wp = e.wechatpay;
  return {
    status: 'fail',
    code: e.code,
    hint: e.hint,
    message: wp ? `HTTP ${wp.status} ${wp.code}: ${wp.message}` : e.message,
    ...(e.requestId ? { requestId: e.requestId } : {}),
  };
}

/** Server time from any answer's Date header (1 s resolution), against the midpoint of our request. */
export async function clockCheck(
  baseUrl: string,
  now: () => number,
  timeoutMs: number,
  proxy?: ProxySettings,
): Promise<Check> {
  const url = `${baseUrl.replace(/\/+$/, '')}/`;
  const t0 = now();
  let date: string | undefined;
  try {
    date = await serverDate(url, timeoutMs, proxy);
  } catch (cause) {
    const e = cause as Error & { code?: string };
    return {
      status: 'fail',
      code: e.name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK',
      message: `cannot reach ${url}: ${e.code ?? e.message}`,
      hint: 'Check baseUrl, the network path (proxy, firewall), or that the sandbox is running (wxpay sandbox serve).',
    };
  }
  const local = (t0 + now()) / 2;
  const server = date ? Date.parse(date) : NaN;
  if (Number.isNaN(server))
    return {
      status: 'warn',
      message: `the answer from ${url} has no usable Date header`,
      hint: 'Sync this machine with NTP; a proxy may be stripping Date.',
    };
  const skew = Math.round((server + 500 - local) / 1000);
  const text =
    skew === 0
      ? 'the server clock agrees with this machine (within 1 s)'
      : `the server clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} this machine`;
  const hint =
    'Sync this machine with NTP: WeChat Pay rejects requests, and wxpay rejects answers and callbacks, whose timestamp is 5 minutes or more off.';
  if (Math.abs(skew) >= SKEW_FAIL_SECONDS)
    return { status: 'fail', code: 'VERIFY_TIMESTAMP', message: `${text} (limit ${SKEW_FAIL_SECONDS} s)`, hint };
  if (Math.abs(skew) >= SKEW_WARN_SECONDS) return { status: 'warn', message: text, hint };
  return { status: 'pass', message: text };
}

/** Whether the server signs with a certificate the local folder lacks (it would fail verification once in use). */
function serverCertificatesResult(server: { serial: string }[], local: { serial: string }[], dir: string): CheckResult {
  const missing = server.filter((s) => !local.some((l) => l.serial === s.serial));
  return missing.length
    ? {
        name: 'server certificates',
        status: 'warn',
        message: `WeChat Pay also signs with ${missing.map((m) => m.serial).join(', ')}, not in ${dir}`,
        hint: 'Run `wxpay certs download` before the old certificate expires.',
      }
    : {
        name: 'server certificates',
        status: 'pass',
        message: `GET /v3/certificates verified; its ${server.length} certificate(s) are all in ${dir}`,
      };
}

/** One check from its details: the worst status, and the message and hint of the details that have it. */
function certificatesSummary(details: CheckResult[]): Check {
  const status = worstStatus(details);
  const notable = details.filter((d) => d.status === status);
  return {
    status,
    details,
    message:
      status === 'pass'
        ? details.map((d) => `${d.name}: ${d.message}`).join('; ')
        : notable.map((d) => `${d.name}: ${d.message}`).join('; '),
    ...(notable[0]?.hint && status !== 'pass' ? { hint: notable[0].hint } : {}),
    ...(status === 'fail' ? { code: 'CONFIG_CHECK_FAILED' as const } : {}),
  };
}

/** Local certificates or public key, then (certificate mode only) the server's list against the local folder. */
export async function certificatesCheck(
  profile: ResolvedProfile,
  client: WxpayClient | undefined,
  now: number,
): Promise<Check> {
  const details: CheckResult[] = [];
  try {
    if (profile.merchantCertPath)
      details.push(
        expiryCheck(
          'merchant certificate',
          parseCertificate(await readKeyFile(profile.merchantCertPath, 'merchant certificate')),
          now,
        ),
      );
    if (profile.publicKeyId && profile.publicKeyPath)
      details.push({
        name: 'WeChat Pay public key',
        status: 'pass',
        message: `${profile.publicKeyId} (public keys do not expire)`,
      });
    const local = profile.platformCertDir ? await loadPlatformCerts(profile.platformCertDir) : [];
    for (const c of local) details.push(expiryCheck('platform certificate', c, now));
    if (profile.platformCertDir && client)
      details.push(serverCertificatesResult(await downloadCertificates(client), local, profile.platformCertDir));
  } catch (e) {
    return { ...failFrom(e), details };
  }
  if (!details.some((d) => d.name !== 'merchant certificate')) {
    return {
      status: 'fail',
      code: 'CONFIG_INVALID',
      message: 'no WeChat Pay public key and no platform certificate is configured',
      hint: 'Set publicKeyId + publicKeyPath, or platformCertDir (then run `wxpay certs download`).',
      details,
    };
  }
  return certificatesSummary(details);
}

export const smokeTradeNo = () => `WXPAYSMOKE${randomBytes(8).toString('hex').toUpperCase()}`;

export async function signedRequestCheck(client: WxpayClient, outTradeNo = smokeTradeNo()): Promise<Check> {
  try {
    await queryOrder(client, { outTradeNo });
    return { status: 'pass', message: `order ${outTradeNo} exists (!); its signed answer was verified` };
  } catch (e) {
    if (!isWxpayError(e) || e.code !== 'WECHATPAY_ERROR' || e.wechatpay?.code !== 'ORDER_NOT_EXIST') return failFrom(e);
    if (!e.requestId) {
      return {
        status: 'fail',
        code: 'VERIFY_UNSIGNED',
        message: 'ORDER_NOT_EXIST came without a Request-ID: the answer may not be from WeChat Pay',
        hint: 'Check baseUrl and any proxy between this machine and WeChat Pay.',
      };
    }
    return {
      status: 'pass',
      requestId: e.requestId,
      message: `query ${outTradeNo}: HTTP ${e.wechatpay.status} ORDER_NOT_EXIST, Request-ID ${e.requestId}; signature, mchid and serial accepted`,
    };
  }
}
