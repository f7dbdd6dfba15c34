// Test helpers for the sandbox: one throwaway key set per test file, an in-process sandbox on port 0, and a
// raw node:http caller that signs with core (so tests control every header, e.g. a missing User-Agent).
import { mkdtemp, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadPrivateKey } from '../../src/protocol/keys.js';
import { signRequest, unixSeconds, type Merchant } from '../../src/protocol/sign.js';
import {
  initSandbox,
  type SandboxInitOptions,
  type SandboxInitResult,
  type SandboxMode,
} from '../../src/sandbox/keyset.js';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/server.js';
import { trackSecretFile } from './secrets.js';
import { nextTestKeyPairAsync } from './test-keys.js';
import { newNonce } from '../../src/protocol/nonce.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  json: any;
}

/** `initSandbox` with the test-only fixture keys (test-keys.ts) instead of three fresh keygens. */
export const initTestSandbox = (opts: SandboxInitOptions): Promise<SandboxInitResult> =>
  initSandbox({ newRsaKeyPair: nextTestKeyPairAsync, ...opts });

export async function sandboxKeySet(mode: SandboxMode = 'cert'): Promise<SandboxInitResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wxpay-sandbox-test-'));
  const init = await initTestSandbox({ dir, mode });
  trackSecretFile('sandbox merchant key', init.privateKeyPath);
  trackSecretFile('sandbox APIv3 key', init.apiV3KeyPath);
  trackSecretFile('sandbox platform key', init.platformKeyPath);
  return init;
}

export async function merchantOf(init: SandboxInitResult): Promise<Merchant> {
  return {
    mchid: init.mchid,
    serialNo: init.serialNo,
    privateKey: loadPrivateKey(await readFile(init.privateKeyPath)),
  };
}

export function rawRequest(
  baseUrl: string,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(baseUrl);
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path: target,
        headers: { ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const text = buf.toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body: buf,
            text,
            json,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface CallOptions {
  headers?: Record<string, string>;
  timestamp?: string;
  /** Sign this body but send `body`. */
  signedBody?: string;
  merchant?: Merchant;
  /** Default: a fresh one (the sandbox refuses a nonce seen in the last 5 minutes). */
  nonce?: string;
}

export interface TestSandbox {
  sb: SandboxHandle;
  init: SandboxInitResult;
  merchant: Merchant;
  /** A correctly signed v3 call (unless options say otherwise). */
  /** A Buffer body is sent as is (a multipart upload; give `signedBody` then). */
  call(method: string, target: string, body?: object | string | Buffer, options?: CallOptions): Promise<RawResponse>;
  /** The unsigned /sandbox control API. */
  admin(method: string, target: string, body?: object): Promise<RawResponse>;
}

export async function startTestSandbox(
  init: SandboxInitResult,
  opts: Partial<SandboxOptions> = {},
): Promise<TestSandbox> {
  const merchant = await merchantOf(init);
  // Refunds of one order a minute apart is production's rule (sandbox-fidelity tests it); other tests refund freely.
  const sb = await startSandbox({ dir: init.dir, port: 0, refundSpacingMs: 0, ...opts });
  const call: TestSandbox['call'] = (method, target, body, o = {}) => {
    const wire = Buffer.isBuffer(body) ? body : undefined;
    const text = body === undefined || wire ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const signed = signRequest(o.merchant ?? merchant, {
      method,
      url: target,
      body: o.signedBody ?? text,
      timestamp: o.timestamp ?? unixSeconds(Date.now()),
      nonce: o.nonce ?? newNonce(),
    });
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'wxpay-test/1.0',
      Authorization: signed.authorization,
      ...(text ? { 'Content-Type': 'application/json' } : {}),
      ...o.headers,
    };
    for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
    return rawRequest(sb.url, method, target, headers, wire ?? (text || undefined));
  };
  // JSON on every POST, body or not, as `wxpay sandbox pay|refund` send it (the sandbox refuses other admin POSTs).
  const admin: TestSandbox['admin'] = (method, target, body) =>
    rawRequest(
      sb.url,
      method,
      target,
      body || method === 'POST' ? { 'Content-Type': 'application/json' } : {},
      body ? JSON.stringify(body) : undefined,
    );
  return { sb, init, merchant, call, admin };
}

let seq = 0;
/** A fresh, valid out_trade_no / out_refund_no. */
export const uniqueNo = (prefix = 'T'): string => `${prefix}${Date.now()}${(seq++).toString().padStart(4, '0')}`;

export const jsapiBody = (
  init: SandboxInitResult,
  outTradeNo: string,
  notifyUrl = 'https://example.com/notify',
  total = 100,
) => ({
  appid: init.appid,
  mchid: init.mchid,
  description: 'Image形象店-深圳腾大-QQ公仔',
  out_trade_no: outTradeNo,
  notify_url: notifyUrl,
  amount: { total, currency: 'CNY' },
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
});
