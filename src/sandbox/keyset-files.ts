// The sandbox's own settings file, `<dir>/sandbox.json`: mchid, appid, mode, port, the public key id and
// the platform certificate serials in creation order. No key material lives here.
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import { writeFileSafe } from '../files/safe-write.js';
import type { SandboxMode } from './keyset.js';

export interface SandboxFile {
  mchid: string;
  appid: string;
  mode: SandboxMode;
  port: number;
  publicKeyId: string;
  /** Oldest first; the sandbox signs with the last one unless told otherwise. */
  platformSerials: string[];
  /** `sandbox init --merchants N`: the folders (relative) of merchants 2..N, each a key set of its own. */
  merchants?: string[];
}

export async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export async function readSandboxFile(dir: string): Promise<SandboxFile | undefined> {
  const file = path.join(dir, 'sandbox.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WxpayError('CONFIG_INVALID', `Cannot read ${file}`, {
      cause,
      hint: 'Check the permissions of the sandbox folder.',
    });
  }
  try {
    return JSON.parse(text) as SandboxFile;
  } catch (cause) {
    throw new WxpayError('CONFIG_INVALID', `${file} is not valid JSON`, {
      cause,
      hint: 'Delete the sandbox folder and run wxpay sandbox init again.',
    });
  }
}

export async function writeSandboxFile(dir: string, data: SandboxFile): Promise<void> {
  await writeFileSafe(path.join(dir, 'sandbox.json'), `${JSON.stringify(data, null, 2)}\n`);
}

/** Where each file of a sandbox key set lives under its folder. */
export const paths = (dir: string) => ({
  merchantKey: path.join(dir, 'merchant', 'apiclient_key.pem'),
  merchantCert: path.join(dir, 'merchant', 'apiclient_cert.pem'),
  apiV3Key: path.join(dir, 'apiv3.key'),
  certsDir: path.join(dir, 'certs'),
  platformCert: (serial: string) => path.join(dir, 'wechatpay', `platform_${serial}_cert.pem`),
  platformKey: (serial: string) => path.join(dir, 'wechatpay', `platform_${serial}_key.pem`),
  publicKey: path.join(dir, 'wechatpay', 'pub_key.pem'),
  publicKeyPrivate: path.join(dir, 'wechatpay', 'pub_key_private.pem'),
  sandboxJson: path.join(dir, 'sandbox.json'),
  rc: path.join(dir, '.wxpayrc.json'),
});
