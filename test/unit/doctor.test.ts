// The doctor behind `wxpay config check` (issue 2 §8), in process: every check's pass/warn/fail.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Profile } from '../../src/config/config.js';
import { expiryCheck } from '../../src/diagnostics/cert-checks.js';
import { checkNotifyUrl, runConfigChecks, type CheckResult } from '../../src/diagnostics/doctor.js';
import {
  PUBLIC_KEY_ID,
  TEST_APIV3_KEY,
  merchantKeySet,
  platformKeySet,
  tempDir,
  writeMerchantFiles,
} from '../helpers/fixtures.js';

const dir = tempDir('wxpay-doctor-');
const merchant = merchantKeySet();
const platform = platformKeySet();
const files = writeMerchantFiles(path.join(dir, 'good'), merchant, platform);
const NOW = Date.UTC(2026, 10, 28);
const good: Profile = {
  mchid: '1900007291',
  privateKeyPath: files.keyPath,
  merchantCertPath: files.certPath,
  apiV3Key: `file:${files.apiV3KeyPath}`,
  publicKeyId: PUBLIC_KEY_ID,
  publicKeyPath: files.pubKeyPath,
  notifyUrl: 'https://shop.example/wxpay/notify',
};

async function check(overrides: Profile, env: Record<string, string> = {}): Promise<CheckResult[]> {
  const profileFile = path.join(dir, `rc-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(profileFile, JSON.stringify({ ...good, ...overrides }));
  return runConfigChecks(await loadConfig({ cwd: dir, env, configFile: profileFile }), env, NOW);
}
const byName = (r: CheckResult[], name: string) => r.filter((c) => c.name === name);
const fails = (r: CheckResult[]) => r.filter((c) => c.status === 'fail').map((c) => c.name);

describe('runConfigChecks', () => {
  it('passes every check on a good public-key profile', async () => {
    const r = await check({});
    expect(fails(r)).toEqual([]);
    expect(r.filter((c) => c.status === 'warn')).toEqual([]);
    expect(r.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'private key',
        'key file permissions',
        'merchant certificate',
        'key matches certificate',
        'serialNo',
        'mchid',
        'APIv3 key',
        'WeChat Pay public key',
        'notify URL',
      ]),
    );
    expect(byName(r, 'serialNo')[0]!.message).toContain(merchant.serial);
  });

  it('passes on a platform-certificate profile and reports the expiry', async () => {
    const r = await check({ publicKeyId: '', publicKeyPath: '', platformCertDir: files.platformCertDir });
    expect(fails(r)).toEqual([]);
    expect(byName(r, 'platform certificate')[0]!.message).toMatch(new RegExp(`${platform.serial} expires 2036`));
  });

  it('fails a mismatched key and certificate', async () => {
    const other = merchantKeySet('other-merchant');
    const f = writeMerchantFiles(path.join(dir, 'mismatch'), other, platform);
    expect(fails(await check({ privateKeyPath: f.keyPath }))).toEqual(['key matches certificate']);
  });

  it("fails a serialNo that is not the certificate's", async () => {
    const r = await check({ serialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB' });
    expect(fails(r)).toEqual(['serialNo']);
    expect(byName(r, 'serialNo')[0]!.message).toContain(merchant.serial);
  });

  it("accepts a lower-case serialNo equal to the certificate's", async () => {
    expect(fails(await check({ serialNo: merchant.serial.toLowerCase() }))).toEqual([]);
  });

  it("fails a mchid that is not the certificate's CN", async () => {
    expect(fails(await check({ mchid: '1230000109' }))).toEqual(['mchid']);
  });

  it("fails a 16-byte APIv3 key (the Go vector's trap) and a missing key variable", async () => {
    const r = await check({ apiV3Key: 'env:SHORT' }, { SHORT: 'testMchAPIv3Key0' });
    expect(fails(r)).toEqual(['APIv3 key']);
    expect(byName(r, 'APIv3 key')[0]!.message).toContain('16 bytes');
    expect(fails(await check({ apiV3Key: 'env:UNSET' }))).toEqual(['APIv3 key']);
  });

  it('fails a missing key file, naming the path', async () => {
    const r = await check({ privateKeyPath: path.join(dir, 'nope.pem') });
    expect(fails(r)).toEqual(['private key']);
    expect(byName(r, 'private key')[0]!.message).toContain('nope.pem');
  });

  it('warns on a key file readable by group or others (0644)', async () => {
    const f = writeMerchantFiles(path.join(dir, 'loose'), merchant, platform, TEST_APIV3_KEY);
    chmodSync(f.keyPath, 0o644);
    const r = await check({ privateKeyPath: f.keyPath });
    expect(fails(r)).toEqual([]);
    expect(byName(r, 'key file permissions')[0]).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('644'),
      hint: `chmod 600 ${f.keyPath}`,
    });
  });

  it('permissions-warning-without-chmod: the message itself says `chmod 600 <file>` (smoke and JUnit show only the message)', async () => {
    const f = writeMerchantFiles(path.join(dir, 'loose2'), merchant, platform, TEST_APIV3_KEY);
    chmodSync(f.keyPath, 0o640);
    const r = await check({ privateKeyPath: f.keyPath });
    expect(byName(r, 'key file permissions')[0]!.message).toBe(
      `${f.keyPath} is readable by group or others (mode 640): run chmod 600 ${f.keyPath}`,
    );
  });

  it('fails without any key mode, and with an empty platform certificate folder', async () => {
    expect(fails(await check({ publicKeyId: '', publicKeyPath: '' }))).toEqual(['key mode']);
    mkdirSync(path.join(dir, 'empty-certs'));
    expect(
      fails(await check({ publicKeyId: '', publicKeyPath: '', platformCertDir: path.join(dir, 'empty-certs') })),
    ).toEqual(['platform certificates']);
  });

  it('fails a publicKeyId without the PUB_KEY_ID_ prefix', async () => {
    expect(fails(await check({ publicKeyId: '0000000000000024101100397200000006' }))).toEqual([
      'WeChat Pay public key',
    ]);
  });
});

describe('certificate expiry', () => {
  const cert = (days: number) => ({ serial: 'AB', validTo: new Date(NOW + days * 86_400_000) });
  it('passes at 30 days or more, warns under 30, fails when expired', () => {
    expect(expiryCheck('c', cert(30), NOW).status).toBe('pass');
    expect(expiryCheck('c', cert(29), NOW).status).toBe('warn');
    expect(expiryCheck('c', cert(-1), NOW).status).toBe('fail');
  });
});

describe('checkNotifyUrl', () => {
  it.each([
    ['https://shop.example/wxpay/notify', 'pass'],
    ['http://shop.example/wxpay/notify', 'fail'],
    ['/wxpay/notify', 'fail'],
    ['https://shop.example/notify?order=1', 'fail'],
    [`https://shop.example/${'a'.repeat(234)}`, 'pass'],
    [`https://shop.example/${'a'.repeat(235)}`, 'fail'],
  ])('%s -> %s', (url, status) => {
    expect(url.length <= 255 || status === 'fail').toBe(true);
    expect(checkNotifyUrl(url).status).toBe(status);
  });

  // Regression: URL.search is '' for a bare trailing '?', so "https://x/n?" passed as having no query.
  it('doctor-notify-url-bare-question-mark: a trailing "?" is a query string', () => {
    expect(checkNotifyUrl('https://shop.example/notify?')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('query'),
    });
  });
});
