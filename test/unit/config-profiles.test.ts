// Config resolution (issue 2 §2): profiles, defaultProfile, the flat form, field checks, APIv3 key references,
// precedence flag > env > rc > default with per-field sources, and a frozen result that never touches its input.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type LoadConfigInput } from '../../src/config/config.js';
import { loadApiV3Key } from '../../src/config/credentials.js';
import { tempDir } from '../helpers/fixtures.js';
import { trackSecret } from '../helpers/secrets.js';

const root = tempDir('wxpay-config-profiles-');
let n = 0;
function rc(content: unknown, name = '.wxpayrc.json'): { dir: string; file: string } {
  const dir = path.join(root, `c${++n}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return { dir, file };
}

const two = {
  defaultProfile: 'prod',
  profiles: {
    prod: { mchid: '1900000001', privateKeyPath: './prod/key.pem', apiV3Key: 'env:PROD_V3' },
    test: {
      mchid: '1900000002',
      privateKeyPath: '/abs/test/key.pem',
      apiV3Key: 'file:./test/v3.key',
      baseUrl: 'http://127.0.0.1:9/',
    },
  },
};

describe('profiles', () => {
  it('defaultProfile picks the profile; --profile and WXPAY_PROFILE override it (flag first)', async () => {
    const { dir } = rc(two);
    expect((await loadConfig({ cwd: dir, env: {} })).mchid).toBe('1900000001');
    expect((await loadConfig({ cwd: dir, env: { WXPAY_PROFILE: 'test' } })).name).toBe('test');
    expect((await loadConfig({ cwd: dir, env: { WXPAY_PROFILE: 'test' }, profile: 'prod' })).name).toBe('prod');
    expect((await loadConfig({ cwd: dir, env: {} })).profileNames).toEqual(['prod', 'test']);
  });

  it('a flat object is the profile "default"', async () => {
    const { dir } = rc({ mchid: '1900000003' });
    const p = await loadConfig({ cwd: dir, env: {} });
    expect(p).toMatchObject({ name: 'default', mchid: '1900000003', profileNames: ['default'] });
  });

  it('an unknown profile is CONFIG_INVALID listing the known ones', async () => {
    const { dir } = rc(two);
    await expect(loadConfig({ cwd: dir, env: {}, profile: 'staging' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      exitCode: 3,
      message: expect.stringContaining('"staging"'),
      hint: expect.stringContaining('prod, test'),
    });
    const bad = rc({ defaultProfile: 'gone', profiles: { prod: {} } });
    await expect(loadConfig({ cwd: bad.dir, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('"gone"'),
    });
  });

  it('an unknown or misspelt field is CONFIG_INVALID naming it and the known fields', async () => {
    const { dir } = rc({ profiles: { prod: { mchId: '1' } } });
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('unknown field "mchId"'),
      hint: expect.stringContaining('mchid, appid, serialNo'),
    });
    const flat = rc({ mchid: '1', apiv3Key: 'env:X' });
    await expect(loadConfig({ cwd: flat.dir, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('"apiv3Key"'),
    });
  });

  it('a non-object profile or value is refused', async () => {
    await expect(loadConfig({ cwd: rc({ profiles: { a: 'x' } }).dir, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    await expect(loadConfig({ cwd: rc({ mchid: { x: 1 } }).dir, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    await expect(loadConfig({ cwd: rc('[1,2]').dir, env: {} })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('the APIv3 key is a reference', () => {
  const literal = 'LiteralKeyLiteralKeyLiteralKey32';

  it('a literal key in the rc file is CONFIG_LITERAL_SECRET, with a hint that says how to move it, and is not echoed', async () => {
    trackSecret('literal APIv3 key in a test rc', literal);
    const { dir, file } = rc({ mchid: '1', apiV3Key: literal });
    const err = await loadConfig({ cwd: dir, env: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFIG_LITERAL_SECRET', exitCode: 3, message: expect.stringContaining(file) });
    expect((err as Error & { hint: string }).hint).toMatch(/file:.*env:WXPAY_APIV3_KEY/s);
    expect(JSON.stringify((err as { toJSON(): unknown }).toJSON())).not.toContain(literal);
  });

  it('a literal key through a flag is refused too (no flag takes the key)', async () => {
    await expect(loadConfig({ cwd: root, env: {}, flags: { apiV3Key: literal } })).rejects.toMatchObject({
      code: 'CONFIG_LITERAL_SECRET',
    });
  });

  it('env:NAME and file:PATH (relative to the rc folder) resolve to references, and the key loads from them', async () => {
    const key = 'abcdefghijklmnopqrstuvwxyz012345';
    trackSecret('APIv3 key in config-profiles test', key);
    const { dir } = rc(two);
    mkdirSync(path.join(dir, 'test'));
    writeFileSync(path.join(dir, 'test', 'v3.key'), `${key}\n`, { mode: 0o600 });
    const prod = await loadConfig({ cwd: dir, env: {} });
    expect(prod.apiV3Key).toEqual({ kind: 'env', name: 'PROD_V3' });
    expect((await loadApiV3Key(prod, { PROD_V3: key })).export().toString()).toBe(key);
    await expect(loadApiV3Key(prod, {})).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('PROD_V3'),
    });
    const test = await loadConfig({ cwd: dir, env: {}, profile: 'test' });
    expect(test.apiV3Key).toEqual({ kind: 'file', path: path.join(dir, 'test', 'v3.key') });
    expect((await loadApiV3Key(test, {})).export().toString()).toBe(key);
  });

  it('WXPAY_APIV3_KEY may hold the key itself; the profile records only where it came from', async () => {
    const p = await loadConfig({ cwd: rc(two).dir, env: { WXPAY_APIV3_KEY: 'x'.repeat(32) } });
    expect(p.apiV3Key).toEqual({ kind: 'value', from: 'env:WXPAY_APIV3_KEY' });
    expect(JSON.stringify(p)).not.toContain('x'.repeat(32));
  });
});

describe('precedence and sources', () => {
  it('flag > env > rc > default, with the source of each field', async () => {
    const { dir, file } = rc({
      mchid: '1900000010',
      appid: 'wxrc',
      notifyUrl: 'https://rc.example/n',
      privateKeyPath: 'k.pem',
    });
    const p = await loadConfig({
      cwd: dir,
      env: { WXPAY_APPID: 'wxenv', WXPAY_NOTIFY_URL: 'https://env.example/n', WXPAY_BASE_URL: 'http://env.example/' },
      flags: { baseUrl: 'http://127.0.0.1:8080/' },
    });
    expect(p).toMatchObject({
      mchid: '1900000010',
      appid: 'wxenv',
      notifyUrl: 'https://env.example/n',
      baseUrl: 'http://127.0.0.1:8080',
    });
    expect(p.sources).toEqual({
      mchid: file,
      privateKeyPath: file,
      appid: 'env:WXPAY_APPID',
      notifyUrl: 'env:WXPAY_NOTIFY_URL',
      baseUrl: 'flag',
    });
    const d = await loadConfig({ cwd: dir, env: {} });
    expect(d.baseUrl).toBe('https://api.mch.weixin.qq.com');
    expect(d.sources.baseUrl).toBe('default');
  });

  it('every documented env variable maps to its field; env paths resolve against cwd, rc paths against the rc folder', async () => {
    const { dir } = rc({ privateKeyPath: 'rc.pem', platformCertDir: 'certs' });
    const cwd = path.join(dir, 'sub');
    mkdirSync(cwd);
    const env = {
      WXPAY_MCHID: '1',
      WXPAY_APPID: '2',
      WXPAY_SERIAL_NO: 'AB',
      WXPAY_PRIVATE_KEY_PATH: 'env.pem',
      WXPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_1',
      WXPAY_PUBLIC_KEY_PATH: 'pub.pem',
      WXPAY_BASE_URL: 'http://x',
      WXPAY_NOTIFY_URL: 'https://n/x',
    };
    // Named with --config: a discovered file that sets platformCertDir may not take the key from env (config-trust).
    const p = await loadConfig({ cwd, env, configFile: path.join(dir, '.wxpayrc.json') });
    expect(p).toMatchObject({
      mchid: '1',
      appid: '2',
      serialNo: 'AB',
      privateKeyPath: path.join(cwd, 'env.pem'),
      publicKeyId: 'PUB_KEY_ID_1',
      publicKeyPath: path.join(cwd, 'pub.pem'),
      baseUrl: 'http://x',
      notifyUrl: 'https://n/x',
      platformCertDir: path.join(dir, 'certs'),
    });
    const cert = await loadConfig({ cwd, env: { WXPAY_PLATFORM_CERT_DIR: '/etc/wx' } });
    expect(cert.platformCertDir).toBe('/etc/wx');
    expect(cert.sources.platformCertDir).toBe('env:WXPAY_PLATFORM_CERT_DIR');
  });

  it('an empty env variable does not override the rc', async () => {
    const { dir } = rc({ mchid: '1900000011' });
    expect((await loadConfig({ cwd: dir, env: { WXPAY_MCHID: '' } })).mchid).toBe('1900000011');
  });
});

describe('immutability', () => {
  it('the result is frozen, nested parts included: mutating throws', async () => {
    const { dir } = rc(two);
    const p = await loadConfig({ cwd: dir, env: {} });
    expect(Object.isFrozen(p)).toBe(true);
    expect(() => ((p as { mchid?: string }).mchid = 'x')).toThrow(TypeError);
    expect(() => ((p.sources as Record<string, string>).mchid = 'x')).toThrow(TypeError);
    expect(() => (p.profileNames as string[]).push('x')).toThrow(TypeError);
  });

  // Regression: the SecretRef inside the frozen profile was a plain object, so `apiV3Key.path` could be
  // re-pointed after resolution.
  it('config-apiv3-ref-not-frozen: the APIv3 key reference is frozen too', async () => {
    const p = await loadConfig({ cwd: rc(two).dir, env: {}, profile: 'test' });
    expect(Object.isFrozen(p.apiV3Key)).toBe(true);
    expect(() => ((p.apiV3Key as { path: string }).path = '/tmp/evil')).toThrow(TypeError);
  });

  it("never mutates the caller's input (deep-frozen input works and stays equal)", async () => {
    const { dir } = rc(two);
    const input: LoadConfigInput = {
      cwd: dir,
      env: { WXPAY_APPID: 'wxa', WXPAY_PROFILE: 'test' },
      flags: { baseUrl: 'http://h/' },
    };
    const copy = structuredClone(input);
    const deepFreeze = (o: object): void => {
      Object.freeze(o);
      for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
    };
    deepFreeze(input);
    const p = await loadConfig(input);
    expect(p.name).toBe('test');
    expect(input).toEqual(copy);
  });
});
