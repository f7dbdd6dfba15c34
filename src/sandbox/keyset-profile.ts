// The `.wxpayrc.json` that `wxpay sandbox init` (and the demo) writes into a sandbox key set's folder: one profile,
// "sandbox", whose key paths follow the mode.
import type { SandboxMode } from './keyset.js';
import { put } from './key-makers.js';

/** The `.wxpayrc.json` profile "sandbox" for the key set; which key paths it names follows the mode. */
export async function writeProfile(
  rc: string,
  f: { mchid: string; appid: string; serialNo: string; port: number; mode: SandboxMode; publicKeyId: string },
): Promise<string> {
  const { mchid, appid, serialNo, port, mode, publicKeyId } = f;
  const baseUrl = `http://127.0.0.1:${port}`;
  const profile: Record<string, string> = {
    mchid,
    appid,
    serialNo,
    baseUrl,
    privateKeyPath: './merchant/apiclient_key.pem',
    merchantCertPath: './merchant/apiclient_cert.pem',
    apiV3Key: 'file:./apiv3.key',
  };
  if (mode !== 'pubkey') profile.platformCertDir = './certs';
  if (mode !== 'cert') Object.assign(profile, { publicKeyId, publicKeyPath: './wechatpay/pub_key.pem' });
  await put(rc, `${JSON.stringify({ defaultProfile: 'sandbox', profiles: { sandbox: profile } }, null, 2)}\n`);
  return baseUrl;
}
