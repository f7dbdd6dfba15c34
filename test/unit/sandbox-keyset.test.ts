// `wxpay sandbox init` key set: layout, modes, permissions, and that a re-run never replaces a key.
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadMerchant, loadVerifierKeys } from '../../src/config/credentials.js';
import { initSandbox, loadSandboxKeys, rotatePlatformCert } from '../../src/sandbox/keyset.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { nextTestKeyPair, type TestKeyPair } from '../helpers/test-keys.js';

describe('sandbox init', () => {
  it('writes a complete key set and a profile that core can load', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wxpay-sbx-'));
    const r = await initSandbox({ dir, mode: 'mixed', mchid: '1234567890', port: 9999 });
    trackSecretFile('sandbox merchant key', r.privateKeyPath);
    trackSecretFile('sandbox apiv3 key', r.apiV3KeyPath);
    expect(r).toMatchObject({
      profile: 'sandbox',
      mchid: '1234567890',
      baseUrl: 'http://127.0.0.1:9999',
      mode: 'mixed',
    });
    for (const p of [r.dir, r.rcPath, r.privateKeyPath, r.platformCertPath, r.publicKeyPath])
      expect(path.isAbsolute(p)).toBe(true);
    expect(r.serialNo).toMatch(/^[0-9A-F]{40}$/);
    expect(r.publicKeyId).toMatch(/^PUB_KEY_ID_\d{34}$/);
    expect(path.basename(r.platformCertPath)).toBe(`wechatpay_${r.platformSerial}.pem`);
    expect((await stat(r.privateKeyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(r.apiV3KeyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(r.platformKeyPath)).mode & 0o777).toBe(0o600);
    expect((await readFile(r.apiV3KeyPath, 'utf8')).trim()).toMatch(/^[\x21-\x7e]{32}$/);
    const platform = new X509Certificate(await readFile(r.platformCertPath));
    expect(platform.subject).toContain('CN=Tenpay.com sign');
    expect(platform.issuer).toBe('CN=Tenpay.com Root CA');
    expect(new X509Certificate(await readFile(r.merchantCertPath)).subject).toContain('CN=1234567890');
    const rc = JSON.parse(await readFile(r.rcPath, 'utf8'));
    expect(rc.defaultProfile).toBe('sandbox');
    expect(rc.profiles.sandbox).toMatchObject({
      apiV3Key: 'file:./apiv3.key',
      platformCertDir: './certs',
      publicKeyPath: './wechatpay/pub_key.pem',
    });

    const profile = await loadConfig({ cwd: dir, env: {} });
    expect((await loadMerchant(profile)).serialNo).toBe(r.serialNo);
    expect([...(await loadVerifierKeys(profile)).keys()].sort()).toEqual([r.platformSerial, r.publicKeyId].sort());

    // A re-run reuses every key and may switch the mode.
    const again = await initSandbox({ dir, mode: 'pubkey' });
    expect(again).toMatchObject({
      serialNo: r.serialNo,
      platformSerial: r.platformSerial,
      publicKeyId: r.publicKeyId,
      mchid: '1234567890',
      mode: 'pubkey',
    });
    const rc2 = JSON.parse(await readFile(r.rcPath, 'utf8'));
    expect(rc2.profiles.sandbox.platformCertDir).toBeUndefined();
    await expect(initSandbox({ dir, mchid: '1999999999' })).rejects.toMatchObject({ code: 'USAGE' });

    const serial2 = await rotatePlatformCert(dir);
    const keys = await loadSandboxKeys(dir);
    expect(keys.platform.map((p) => p.serial)).toEqual([r.platformSerial, serial2]);
    expect(keys.merchantSerial).toBe(r.serialNo);
  });

  it('asks for the three key pairs at once, merchant, platform, public key in that order, and a re-run for none', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wxpay-sbx-gen-'));
    // No pair is handed out until all three were asked for: an init that waited for one keygen before starting
    // the next would never finish (the test's timeout would fail it).
    const asked: Array<(pair: TestKeyPair) => void> = [];
    const pairs = [nextTestKeyPair(), nextTestKeyPair(), nextTestKeyPair()];
    const maker = () =>
      new Promise<TestKeyPair>((resolve) => {
        asked.push(resolve);
        if (asked.length === 3) asked.forEach((give, i) => give(pairs[i]!));
      });
    try {
      const r = await initSandbox({ dir, mode: 'mixed', newRsaKeyPair: maker });
      expect(asked).toHaveLength(3);
      const pkcs8 = (k: TestKeyPair) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expect(await readFile(r.privateKeyPath, 'utf8')).toBe(pkcs8(pairs[0]!));
      expect(await readFile(r.platformKeyPath, 'utf8')).toBe(pkcs8(pairs[1]!));
      expect(await readFile(path.join(dir, 'wechatpay', 'pub_key_private.pem'), 'utf8')).toBe(pkcs8(pairs[2]!));
      await initSandbox({ dir, newRsaKeyPair: maker });
      expect(asked).toHaveLength(3);
    } finally {
      removeTemp(dir);
    }
  });

  it('platformCert: false makes no platform certificate in pubkey mode (two keygens), and is ignored in cert mode', async () => {
    const dirs = [
      await mkdtemp(path.join(tmpdir(), 'wxpay-sbx-pub-')),
      await mkdtemp(path.join(tmpdir(), 'wxpay-sbx-cert-')),
    ];
    let asked = 0;
    const maker = () => (asked++, Promise.resolve(nextTestKeyPair()));
    try {
      const r = await initSandbox({ dir: dirs[0]!, mode: 'pubkey', platformCert: false, newRsaKeyPair: maker });
      expect(asked).toBe(2);
      expect(r).toMatchObject({ platformSerial: '', platformCertPath: '', platformKeyPath: '', mode: 'pubkey' });
      expect((await loadSandboxKeys(dirs[0]!)).platform).toEqual([]);
      // The demo's second init (the sandbox's port) keeps it so.
      await initSandbox({ dir: dirs[0]!, mode: 'pubkey', platformCert: false, port: 1234, newRsaKeyPair: maker });
      expect(asked).toBe(2);
      const c = await initSandbox({ dir: dirs[1]!, mode: 'cert', platformCert: false, newRsaKeyPair: maker });
      expect(asked).toBe(5);
      expect((await loadSandboxKeys(dirs[1]!)).platform.map((p) => p.serial)).toEqual([c.platformSerial]);
    } finally {
      for (const d of dirs) removeTemp(d);
    }
  });
});
