// A pubkey key set made without a platform certificate (`initSandbox({ platformCert: false })`, what `wxpay demo`
// makes in its throwaway folder to save one RSA keygen): the sandbox serves it as a merchant on the WeChat Pay
// public key, and the extras that used the platform key (the bad-signature fault, sign-with, the Keys page) still
// work instead of failing on the missing certificate.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyStore, loadPublicKey } from '../../src/protocol/keys.js';
import { verifySignature } from '../../src/protocol/verify.js';
import { keysBody } from '../../src/sandbox/ui/settings-pages.js';
import {
  initTestSandbox,
  jsapiBody,
  startTestSandbox,
  uniqueNo,
  type RawResponse,
  type TestSandbox,
} from '../helpers/sandbox.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { trackSecretFile } from '../helpers/secrets.js';

let t: TestSandbox;
let dir: string;
let keys: ReturnType<typeof createKeyStore>;
const verify = (r: RawResponse) =>
  verifySignature({ headers: r.headers, body: r.body, keys, now: Math.floor(Date.now() / 1000) });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wxpay-no-platform-'));
  const init = await initTestSandbox({ dir, mode: 'pubkey', platformCert: false });
  trackSecretFile('sandbox merchant key', init.privateKeyPath);
  t = await startTestSandbox(init);
  keys = createKeyStore([[init.publicKeyId, loadPublicKey(readFileSync(init.publicKeyPath))]]);
});
afterAll(async () => {
  await t.sb.close();
  removeTemp(dir);
});

describe('a pubkey sandbox without a platform certificate', () => {
  it('has none on disk and signs with the WeChat Pay public key', async () => {
    expect(t.init).toMatchObject({ platformSerial: '', platformCertPath: '', platformKeyPath: '' });
    expect(readdirSync(path.join(dir, 'wechatpay')).sort()).toEqual(['pub_key.pem', 'pub_key_private.pem']);
    expect(readdirSync(path.join(dir, 'certs'))).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(dir, 'sandbox.json'), 'utf8')).platformSerials).toEqual([]);
    const no = uniqueNo('NP');
    expect((await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no))).status).toBe(200);
    const q = await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`);
    expect(verify(q).serial).toBe(t.init.publicKeyId);
    expect((await t.call('GET', '/v3/certificates')).json.code).toBe('RESOURCE_NOT_EXISTS');
  });

  it('the bad-signature fault still signs with another key, and sign-with and the Keys page name no serial', async () => {
    const no = uniqueNo('NB');
    await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no));
    expect((await t.admin('POST', '/sandbox/faults', { faults: [{ kind: 'bad-signature', count: 1 }] })).status).toBe(
      200,
    );
    const bad = await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`);
    expect(bad.status).toBe(200);
    expect(bad.headers['wechatpay-serial']).toBe(t.init.publicKeyId);
    expect(() => verify(bad)).toThrow(expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }));
    const signWith = await t.admin('POST', '/sandbox/sign-with', { serial: null });
    expect([signWith.status, signWith.json]).toEqual([200, { serial: null }]);
    const page = String(keysBody(t.sb.context));
    expect(page).toContain(t.init.publicKeyId);
    expect(page).not.toContain('(signs now)');
  });
});
