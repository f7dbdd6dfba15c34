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
