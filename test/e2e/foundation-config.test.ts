// `wxpay config show` and `wxpay config check` through the real CLI (issue 2 §7, §8): redaction and sources,
// the doctor's exit 3 for each broken profile, warnings, and no secret in any output.
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  PUBLIC_KEY_ID,
  TEST_APIV3_KEY,
  merchantKeySet,
  platformKeySet,
  tempDir,
  writeMerchantFiles,
} from '../helpers/fixtures.js';
import { needlesOf } from '../helpers/secrets-scan.js';

const dir = tempDir('wxpay-e2e-config-');
const merchant = merchantKeySet();
const other = merchantKeySet('other');
const platform = platformKeySet();
const f = writeMerchantFiles(path.join(dir, 'keys'), merchant, platform);
const o = writeMerchantFiles(path.join(dir, 'other'), other, platform);
writeFileSync(path.join(dir, 'keys', 'short.key'), 'testMchAPIv3Key0', { mode: 0o600 });
copyFileSync(f.keyPath, path.join(dir, 'keys', 'loose.pem'));
chmodSync(path.join(dir, 'keys', 'loose.pem'), 0o644);

const base = {
  mchid: '1900007291',
  appid: 'wxd678efh567hg6787',
  privateKeyPath: './keys/apiclient_key.pem',
  merchantCertPath: './keys/apiclient_cert.pem',
  apiV3Key: 'file:./keys/apiv3.key',
  publicKeyId: PUBLIC_KEY_ID,
  publicKeyPath: './keys/pub_key.pem',
  notifyUrl: 'https://shop.example/wxpay/notify',
};
writeFileSync(
  path.join(dir, '.wxpayrc.json'),
  JSON.stringify({
    defaultProfile: 'good',
    profiles: {
      good: base,
      certmode: {
        ...base,
        publicKeyId: undefined,
        publicKeyPath: undefined,
        platformCertDir: './keys/certs',
        apiV3Key: 'env:SHOP_V3_KEY',
      },
      mismatch: { ...base, privateKeyPath: path.relative(dir, o.keyPath) },
      serial: { ...base, serialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB' },
      short: { ...base, apiV3Key: 'file:./keys/short.key' },
      missing: { ...base, privateKeyPath: './keys/gone.pem' },
      loose: { ...base, privateKeyPath: './keys/loose.pem' },
      query: { ...base, notifyUrl: 'https://shop.example/notify?from=wx' },
      plainhttp: { ...base, notifyUrl: 'http://shop.example/notify' },
    },
  }),
);

const secrets = [...needlesOf(merchant.privateKeyPem), ...needlesOf(other.privateKeyPem), TEST_APIV3_KEY];
const noSecrets = (text: string) => {
  for (const s of secrets) expect(text).not.toContain(s);
};
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: dir, env });

describe('wxpay config show', () => {
  it('human: redacted key, each value with its source', async () => {
    const r = await cli(['config', 'show', '--verbose'], { WXPAY_APPID: 'wxenvappid' });
    expect(r.code).toBe(0);
    noSecrets(r.stdout + r.stderr);
    expect(r.stdout).toContain(`profile good`);
    expect(r.stdout).toMatch(
      new RegExp(`apiV3Key\\s+\\(redacted; from file ${f.apiV3KeyPath.replace(/[/.]/g, '\\$&')}\\)`),
    );
    expect(r.stdout).toMatch(/appid\s+wxenvappid\s+← env:WXPAY_APPID/);
    expect(r.stdout).toMatch(/mchid\s+1900007291\s+← .*\.wxpayrc\.json/);
    expect(r.stdout).toMatch(/baseUrl\s+https:\/\/api\.mch\.weixin\.qq\.com\s+← default/);
    expect(r.stdout).toContain(f.keyPath);
  });

  it('--json: fields with value and source; --base-url is a flag source', async () => {
    const r = await cli(['config', 'show', '--json', '--profile', 'certmode', '--base-url', 'http://127.0.0.1:1'], {
      SHOP_V3_KEY: TEST_APIV3_KEY,
    });
    noSecrets(r.stdout + r.stderr);
    const j = r.json();
    expect(j).toMatchObject({
      profile: 'certmode',
      configPath: path.join(dir, '.wxpayrc.json'),
      profiles: expect.arrayContaining(['good', 'certmode']),
    });
    expect(j.fields.apiV3Key).toEqual({
      value: '(redacted; from env SHOP_V3_KEY)',
      source: path.join(dir, '.wxpayrc.json'),
    });
    expect(j.fields.baseUrl).toEqual({ value: 'http://127.0.0.1:1', source: 'flag' });
    expect(j.fields.platformCertDir.value).toBe(f.platformCertDir);
  });

  it('WXPAY_APIV3_KEY holding the key itself is shown as redacted, never printed', async () => {
    const r = await cli(['config', 'show', '--json'], { WXPAY_APIV3_KEY: TEST_APIV3_KEY });
    noSecrets(r.stdout + r.stderr);
    expect(r.json().fields.apiV3Key).toEqual({
      value: '(redacted; from env:WXPAY_APIV3_KEY)',
      source: 'env:WXPAY_APIV3_KEY',
    });
  });
});

describe('wxpay config check', () => {
  it('config-check-no-rc-file: with no rc file anywhere, it says so and names `wxpay config init`', async () => {
    const empty = tempDir('wxpay-e2e-norc-');
    const r = await runCli(['config', 'check'], { cwd: empty, env: { HOME: empty, XDG_CONFIG_HOME: empty } });
    expect(r.code).toBe(3);
    expect(r.stdout.split('\n')[0]).toBe('profile default (no rc file found)');
    expect(r.stderr).toMatch(
      /\n {2}hint: No rc file was found: write one with `wxpay config init`; to try wxpay without a merchant account, run `wxpay demo` or `wxpay sandbox init`\.\n$/,
    );
  });

  it('passes on a good public-key profile (exit 0), and in certificate mode', async () => {
    const r = await cli(['config', 'check', '--verbose']);
    expect(r.code).toBe(0);
    noSecrets(r.stdout + r.stderr);
    expect(r.stdout).not.toMatch(/fail|warn/);
    expect(r.stdout).toMatch(/✔ pass {2}key matches certificate/);
    const c = await cli(['config', 'check', '--profile', 'certmode', '--json'], { SHOP_V3_KEY: TEST_APIV3_KEY });
    expect(c.code).toBe(0);
    expect(c.json()).toMatchObject({ profile: 'certmode', ok: true });
    expect(c.json().checks).toContainEqual(
      expect.objectContaining({
        name: 'platform certificate',
        status: 'pass',
        message: expect.stringContaining(platform.serial),
      }),
    );
  });

  it.each([
    ['mismatch', 'key matches certificate'],
    ['serial', 'serialNo'],
    ['short', 'APIv3 key'],
    ['missing', 'private key'],
    ['query', 'notify URL'],
    ['plainhttp', 'notify URL'],
  ])('profile %s fails "%s" with exit 3', async (profile, check) => {
    const r = await cli(['config', 'check', '--profile', profile, '--json']);
    expect(r.code).toBe(3);
    noSecrets(r.stdout + r.stderr);
    const j = r.json();
    expect(j.ok).toBe(false);
    expect(
      j.checks.filter((c: { status: string }) => c.status === 'fail').map((c: { name: string }) => c.name),
    ).toEqual([check]);
    expect(r.error()).toMatchObject({
      code: 'CONFIG_CHECK_FAILED',
      exitCode: 3,
      message: expect.stringContaining(check),
    });
  });

  it('a 16-byte key in human output says so, with the fix', async () => {
    const r = await cli(['config', 'check', '--profile', 'short']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(
      /✖ fail {2}APIv3 key: The APIv3 key in the file \S+short\.key is 16 bytes; it must be exactly 32/,
    );
    expect(r.stdout).toContain('Check for spaces or a line end in the file.');
    expect(r.stderr).toContain('CONFIG_CHECK_FAILED');
  });

  it('apiv3-env-error-says-file: a short WXPAY_APIV3_KEY names the variable, not "the file"', async () => {
    const r = await cli(['config', 'check', '--profile', 'certmode', '--json'], { SHOP_V3_KEY: 'testMchAPIv3Key0' });
    const check = r.json().checks.find((c: { name: string }) => c.name === 'APIv3 key');
    expect(check).toMatchObject({
      status: 'fail',
      message: 'The APIv3 key in the variable SHOP_V3_KEY is 16 bytes; it must be exactly 32',
    });
    expect(`${check.message} ${check.hint}`).not.toMatch(/\bfile\b/);
    expect(check.hint).toContain('export SHOP_V3_KEY=');
  });

  it('warns (exit 0) on a 0644 key file', async () => {
    const r = await cli(['config', 'check', '--profile', 'loose']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /! warn {2}key file permissions: .*loose\.pem is readable by group or others \(mode 644\)/,
    );
    expect(r.stdout).toContain('chmod 600');
  });
});
