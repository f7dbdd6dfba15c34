// The library surface (issue 15): four subpath entries with explicit export lists, and `wxpay/protocol` loads no
// I/O machinery. The entries are imported by package name, so package.json's "exports" map is tested too (a package
// may import itself by name). Adding a name is a deliberate change: update the list here and the README's table.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const EXPORTS: Record<string, string[]> = {
  'wxpay/protocol': [
    'AUTH_SCHEME',
    'DEFAULT_WINDOW_SECONDS',
    'ERROR_CODES',
    'EXIT',
    'EXIT_MEANINGS',
    'WxpayError',
    'aeadOpen',
    'aeadSeal',
    'apiV3KeyFrom',
    'appPayMessage',
    'appPayParams',
    'buildAuthorization',
    'buildNotification',
    'checkTimestamp',
    'chooseEncryptionKey',
    'createKeyStore',
    'decryptCertificateList',
    'decryptResource',
    'encryptFields',
    'encryptSensitive',
    'extendKeyStore',
    'getHeader',
    'isProbeSignature',
    'isWxpayError',
    'jsapiPayMessage',
    'jsapiPayParams',
    'keyMatchesCertificate',
    'loadPrivateKey',
    'loadPublicKey',
    'lookupKey',
    'normalizeHeaders',
    'oaepDecrypt',
    'oaepEncrypt',
    'parseAuthorization',
    'parseCertificate',
    'parseNotification',
    'readSignatureHeaders',
    'requestMessage',
    'responseMessage',
    'sensitiveHeaders',
    'signMessage',
    'signRequest',
    'unixSeconds',
    'verifyAndDecrypt',
    'verifyCertificateList',
    'verifyMessage',
    'verifySignature',
  ],
  'wxpay/client': [
    'PREPAY_KINDS',
    'PROFILE_FIELDS',
    'applyFundFlowBill',
    'applyReceipt',
    'applyTradeBill',
    'cancelTransfer',
    'closeOrder',
    'createClient',
    'createRefund',
    'createTransfer',
    'downloadBill',
    'downloadCertificates',
    'downloadReceipt',
    'encryptForClient',
    'encryptionKeyFor',
    'loadApiV3Key',
    'loadConfig',
    'loadMerchant',
    'loadVerifierKeys',
    'prepay',
    'queryOrder',
    'queryReceipt',
    'queryRefund',
    'queryTransfer',
    'userAgentFor',
  ],
  'wxpay/sandbox': ['SANDBOX_MODES', 'initSandbox', 'loadSandboxKeys', 'payerPageUrl', 'startSandbox'],
  'wxpay/webhook': [
    'FORWARD_TOLERANCE_SECONDS',
    'parseCaptures',
    'parseHttpRequest',
    'signForward',
    'startWebhookServer',
    'verifyForward',
  ],
};

// Runs a module script in a fresh Node from the repo root, so nothing this worker loaded counts.
const fresh = (script: string): string =>
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });

describe('library entries', () => {
  for (const [entry, names] of Object.entries(EXPORTS)) {
    it(`${entry} exports exactly its list`, async () => {
      const mod = (await import(entry)) as Record<string, unknown>;
      expect(Object.keys(mod).sort()).toEqual([...names].sort());
    });
  }

  it("'wxpay' is the union of the four entries, nothing more", async () => {
    const mod = (await import('wxpay')) as Record<string, unknown>;
    expect(Object.keys(mod).sort()).toEqual([...new Set(Object.values(EXPORTS).flat())].sort());
  });

  it('wxpay/protocol loads no undici, cosmiconfig, commander or chalk, and no node:http, net or tls', () => {
    const seen = JSON.parse(
      fresh(`
        const { createRequire } = await import('node:module');
        const cache = createRequire(import.meta.url).cache;
        const before = new Set(process.moduleLoadList);
        const p = await import('wxpay/protocol');
        if (typeof p.verifyAndDecrypt !== 'function') throw new Error('not loaded');
        const packages = Object.keys(cache).filter((k) => k.includes('node_modules'));
        const builtins = process.moduleLoadList.filter((m) => !before.has(m)).map((m) => m.replace('NativeModule ', ''));
        console.log(JSON.stringify({ packages, builtins }));
      `),
    ) as { packages: string[]; builtins: string[] };
    expect(seen.packages).toEqual([]);
    const io = ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'child_process', 'worker_threads'];
    expect(seen.builtins.filter((m) => io.includes(m))).toEqual([]);
  });

  it('the check above can fail: wxpay/client does load undici and node:http', () => {
    const out = fresh(`
      const { createRequire } = await import('node:module');
      await import('wxpay/client');
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(cache.some((k) => k.includes('node_modules/undici/')), process.moduleLoadList.includes('NativeModule http'));
    `);
    expect(out.trim()).toBe('true true');
  });
});
