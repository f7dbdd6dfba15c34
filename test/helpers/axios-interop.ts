// What the wechatpay-axios-plugin interop tests share (test/integration/*interop*): the plugin's classes (it ships
// no types), one sandbox key set with its PEMs, sandboxes started per key mode and closed after the file, and a
// plugin client that signs as the merchant and verifies answers with the keys it is given.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import axiosPlugin from 'wechatpay-axios-plugin';
import type { SandboxInitResult, SandboxMode } from '../../src/sandbox/keyset.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { sandboxKeySet } from './sandbox.js';

export const { Wechatpay, Rsa } = axiosPlugin as unknown as {
  Wechatpay: new (config: object) => any;
  Rsa: { encrypt(p: string, k: unknown): string; from(thing: string, type?: 'public' | 'private'): unknown };
};

export interface InteropKeys {
  init: SandboxInitResult;
  platformPem: string;
  publicPem: string;
  merchantKey: string;
}

/** Call at the top of a test file: registers the beforeAll/afterAll; `keys` is filled before the first test. */
export function useInteropSandbox() {
  const keys = {} as InteropKeys;
  const handles: SandboxHandle[] = [];
  beforeAll(async () => {
    keys.init = await sandboxKeySet('mixed');
    keys.platformPem = await readFile(keys.init.platformCertPath, 'utf8');
    keys.publicPem = await readFile(keys.init.publicKeyPath, 'utf8');
    keys.merchantKey = await readFile(keys.init.privateKeyPath, 'utf8');
  });
  afterAll(async () => {
    for (const h of handles) await h.close();
  });
  /** A sandbox in this mode over the shared key set; refunds finish only through the admin API. */
  const start = async (mode: SandboxMode): Promise<SandboxHandle> => {
    const sb = await startSandbox({ dir: keys.init.dir, port: 0, mode, autoRefundMs: -1 });
    handles.push(sb);
    return sb;
  };
  /** The plugin signing as the merchant; `certs` (serial -> PEM) are the keys it verifies answers with. */
  const client = (sb: SandboxHandle, certs: Record<string, string>): any =>
    new Wechatpay({
      mchid: keys.init.mchid,
      serial: keys.init.serialNo,
      privateKey: keys.merchantKey,
      certs,
      baseURL: `${sb.url}/`,
    });
  return { keys, start, client };
}
