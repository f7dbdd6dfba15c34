// Interop for the media upload (docs/protocol.md §14): wechatpay-axios-plugin builds the form with its `Multipart`,
// signs the meta JSON with its own interceptor and sends it with axios to the sandbox, which accepts it and answers
// a media_id the plugin verifies; the sandbox then serves back the same bytes. Both key modes.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/protocol/multipart.js';
import { initSandbox, type SandboxInitResult } from '../../src/sandbox/keyset.js';
import { sandboxKeySet, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { TINY_PNG } from '../helpers/receiver.js';

const require = createRequire(import.meta.url);
interface Form {
  append(name: string, value: Buffer | string, filename?: string): Form;
  getHeaders(): Record<string, string>;
}
interface Endpoint {
  post(data: unknown, config: Record<string, unknown>): Promise<{ status: number; data: { media_id: string } }>;
}
const { Wechatpay, Multipart } = require('wechatpay-axios-plugin') as {
  Wechatpay: new (config: Record<string, unknown>) => { v3: Record<string, unknown> };
  Multipart: new () => Form;
};

const PNG = TINY_PNG;

let base: SandboxInitResult;
beforeAll(async () => {
  base = await sandboxKeySet('cert');
});

describe.each(['cert', 'pubkey'] as const)("the plugin's Multipart upload in %s mode", (mode) => {
  let t: TestSandbox;
  beforeAll(async () => {
    t = await startTestSandbox(await initSandbox({ dir: base.dir, mode }));
  });
  afterAll(async () => t.sb.close());

  it('is accepted (meta-only signature, SHA-256, type) and the stored image is the file', async () => {
    const init = t.init;
    const verifier =
      mode === 'pubkey'
        ? { [init.publicKeyId]: await readFile(init.publicKeyPath, 'utf8') }
        : { [init.platformSerial]: await readFile(init.platformCertPath, 'utf8') };
    const wxpay = new Wechatpay({
      mchid: init.mchid,
      serial: init.serialNo,
      privateKey: await readFile(init.privateKeyPath, 'utf8'),
      certs: verifier,
      baseURL: t.sb.url,
    });
    const meta = { filename: 'reply.png', sha256: sha256Hex(PNG) };
    const form = new Multipart().append('file', PNG, 'reply.png').append('meta', JSON.stringify(meta), 'meta.json');
    // The plugin's chained path: v3/merchant-service/images/upload.
    const v3 = wxpay.v3 as unknown as Record<string, Record<string, Record<string, Endpoint>>>;
    const res = await v3.merchantService!.images!.upload!.post(form, {
      meta,
      headers: { ...form.getHeaders(), ...(mode === 'pubkey' ? { 'Wechatpay-Serial': init.publicKeyId } : {}) },
    });
    expect(res.status).toBe(200);
    expect(res.data.media_id).toMatch(/^[0-9A-F]{32}\.png$/);
    const stored = t.sb.state.complaints.media.get(res.data.media_id)!;
    expect(Buffer.from(stored.data, 'base64').equals(PNG)).toBe(true);
    expect(stored.filename).toBe('reply.png');
  });
});
