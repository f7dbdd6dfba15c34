// Issue 12 through the real CLI: an rc file found on disk runs no code, cannot redirect requests signed with a
// key from elsewhere (nothing reaches its host), is refused when someone else could have written it, and a
// syntax error in it prints no secret. A foreign API host gets one warning line naming where it came from.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PUBLIC_KEY_ID, merchantKeySet, platformKeySet, tempDir, writeMerchantFiles } from '../helpers/fixtures.js';
import { trackSecret } from '../helpers/secrets.js';

const top = tempDir('wxpay-e2e-trust-');
const home = path.join(top, 'home');
const repo = path.join(home, 'cloned-repo');
const cwd = path.join(repo, 'src');
mkdirSync(cwd, { recursive: true });
const keys = writeMerchantFiles(path.join(home, 'keys'), merchantKeySet(), platformKeySet());
const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') };
/** The CI pattern: the whole profile from the environment. */
const keyEnv = {
  ...env,
  WXPAY_MCHID: '1900007291',
  WXPAY_PRIVATE_KEY_PATH: keys.keyPath,
  WXPAY_MERCHANT_CERT_PATH: keys.certPath,
  WXPAY_PUBLIC_KEY_ID: PUBLIC_KEY_ID,
  WXPAY_PUBLIC_KEY_PATH: keys.pubKeyPath,
};

const hits: string[] = [];
let server: Server;
let hostUrl = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"ORDER_NOT_EXIST","message":"no"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a .wxpayrc.cjs in the current folder or a parent runs for no command (regression: it copied the key)', () => {
  const marks = [path.join(cwd, 'RAN'), path.join(repo, 'RAN')];
  beforeAll(() => {
    for (const mark of marks) {
      writeFileSync(
        path.join(path.dirname(mark), '.wxpayrc.cjs'),
        `require('fs').writeFileSync(${JSON.stringify(mark)}, 'ran'); module.exports = { baseUrl: 'http://127.0.0.1:9' };\n`,
      );
    }
  });

  it.each([
    ['config profiles', ['config', 'profiles']],
    ['sign', ['sign', 'GET', '/v3/certificates']],
    ['query', ['query', 'T20260101001']],
    ['config show', ['config', 'show']],
    ['--help', ['--help']],
    ['config profiles --help', ['config', 'profiles', '--help']],
  ])('%s', async (_name, args) => {
    const r = await runCli(args, { cwd, env: keyEnv });
    expect(marks.filter(existsSync)).toEqual([]);
    expect(r.stderr).not.toContain('CONFIG_INVALID');
  });

  it('--config ./x.cjs, named, still loads it', async () => {
    const r = await runCli(['config', 'show', '--json', '--config', './.wxpayrc.cjs'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      configPath: path.join(cwd, '.wxpayrc.cjs'),
      config: 'named',
      fields: { baseUrl: { value: 'http://127.0.0.1:9', source: path.join(cwd, '.wxpayrc.cjs') } },
    });
    expect(existsSync(marks[0]!)).toBe(true);
  });
});

describe('refused files, through the CLI (exit 3)', () => {
  it('a group-writable rc: CONFIG_UNSAFE naming the file, its mode and both fixes', async () => {
    const dir = path.join(home, 'loose');
    mkdirSync(dir);
    writeFileSync(path.join(dir, '.wxpayrc.json'), JSON.stringify({ mchid: '1900007291' }));
    chmodSync(path.join(dir, '.wxpayrc.json'), 0o666);
    const r = await runCli(['config', 'show', '--json'], { cwd: dir, env });
    expect(r.code).toBe(3);
    expect(r.error()).toMatchObject({
      code: 'CONFIG_UNSAFE',
      message: `Refusing the rc file ${dir}/.wxpayrc.json: ${dir}/.wxpayrc.json is writable by group or others (mode 0666)`,
    });
    expect(r.error().hint).toMatch(/chmod go-w .*--config /);
  });

  it('an rc above home is not read at all', async () => {
    writeFileSync(path.join(top, '.wxpayrc.json'), JSON.stringify({ baseUrl: 'https://above.example' }));
    const r = await runCli(['config', 'show', '--json'], { cwd, env });
    expect(r.json()).toMatchObject({
      configPath: null,
      fields: { baseUrl: { value: 'https://api.mch.weixin.qq.com', source: 'default' } },
    });
  });

  it('split sources: package.json#wxpay routes to its host, the key comes from env: refused, and nothing reaches the host', async () => {
    const dir = path.join(home, 'split');
    mkdirSync(dir);
    const pkg = path.join(dir, 'package.json');
    writeFileSync(
      pkg,
      JSON.stringify({
        name: 'shop',
        wxpay: { baseUrl: hostUrl, publicKeyId: 'PUB_KEY_ID_EVIL', publicKeyPath: keys.pubKeyPath },
      }),
    );
    const envKey = { ...keyEnv, WXPAY_PUBLIC_KEY_ID: '', WXPAY_PUBLIC_KEY_PATH: '' };
    for (const args of [
      ['api', 'GET', '/v3/pay/transactions/out-trade-no/T1', '--query', 'mchid=1900007291'],
      ['query', 'T1'],
    ]) {
      const r = await runCli([...args, '--json'], { cwd: dir, env: envKey });
      expect(r.code).toBe(3);
      expect(r.error()).toMatchObject({
        code: 'CONFIG_SPLIT_SOURCES',
        message: `${pkg} sets baseUrl, publicKeyId, publicKeyPath, but the merchant private key (privateKeyPath) comes from the environment (WXPAY_PRIVATE_KEY_PATH)`,
      });
    }
    expect(hits).toEqual([]);
    // The same file named explicitly is trusted, and the request does go out: the test can see a hit.
    const named = await runCli(['query', 'T1', '--config', pkg, '--json'], { cwd: dir, env: envKey });
    expect(named.error().code).not.toBe('CONFIG_SPLIT_SOURCES');
    expect(hits).toEqual(['GET /v3/pay/transactions/out-trade-no/T1?mchid=1900007291']);
  });

  it('config show says how the rc file was chosen: found by searching, or named', async () => {
    const dir = path.join(home, 'found');
    mkdirSync(dir);
    writeFileSync(path.join(dir, '.wxpayrc.yaml'), 'mchid: "1900007291"\n');
    const found = await runCli(['config', 'show'], { cwd: dir, env: { ...env, WXPAY_APPID: 'wxappid' } });
    expect(found.stdout).toContain(`profile default  (${dir}/.wxpayrc.yaml, found by searching)`);
    expect(found.stdout).toMatch(new RegExp(`mchid\\s+1900007291\\s+← ${dir}/\\.wxpayrc\\.yaml`));
    expect(found.stdout).toMatch(/appid\s+wxappid\s+← env:WXPAY_APPID/);
    expect(found.stdout).toMatch(/baseUrl\s+https:\/\/api\.mch\.weixin\.qq\.com\s+← default/);
    const named = await runCli(['config', 'show', '--json'], {
      cwd: dir,
      env: { ...env, WXPAY_CONFIG: '.wxpayrc.yaml' },
    });
    expect(named.json()).toMatchObject({ config: 'named', configPath: `${dir}/.wxpayrc.yaml` });
  });

  it('--config <folder>: says it is a folder, no JSON syntax hint', async () => {
    const r = await runCli(['config', 'show', '--config', home, '--json'], { cwd, env });
    expect(r.code).toBe(3);
    expect(r.error()).toMatchObject({ code: 'CONFIG_INVALID', message: `--config ${home} is a folder, not a file` });
    expect(r.error().hint).toContain(`--config ${path.join(home, '.wxpayrc.json')}`);
    expect(r.stderr).not.toMatch(/syntax/i);
    const v = await runCli(['config', 'show', '--json'], { cwd, env: { ...env, WXPAY_CONFIG: home } });
    expect(v.error()).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `WXPAY_CONFIG ${home} is a folder, not a file`,
    });
  });
});

describe('config syntax errors print no secret (regression: a code frame showed apiV3Key)', () => {
  const secret = 'PastedApiV3KeyPastedApiV3Key9876';
  trackSecret('APIv3 key pasted into a broken rc', secret);
  const dir = path.join(home, 'broken');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, '.wxpayrc.json'),
    `{\n  "mchid": "1900007291",\n  "apiV3Key": "${secret}"\n  "privateKeyPath": "k.pem"\n}\n`,
  );
  writeFileSync(path.join(dir, 'broken.yaml'), `mchid: "1900007291"\napiV3Key: "${secret}\n`);

  it.each([
    ['human', ['config', 'show']],
    ['--json', ['config', 'show', '--json']],
    ['--verbose', ['query', 'T1', '--verbose']],
    ['YAML, named', ['config', 'check', '--config', 'broken.yaml', '--verbose']],
  ])('%s: file, line and column only', async (_name, args) => {
    const r = await runCli(args, { cwd: dir, env });
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).not.toContain(secret.slice(0, 10));
    expect(r.stderr).toMatch(/(JSON|YAML) syntax error in \S+ at line \d+, column \d+/);
  });
});

describe('foreign API host warning', () => {
  const rc = path.join(home, 'foreign.json');
  writeFileSync(
    rc,
    JSON.stringify({
      baseUrl: 'https://pay.attacker.example',
      mchid: '1900007291',
      privateKeyPath: keys.keyPath,
      merchantCertPath: keys.certPath,
      publicKeyId: PUBLIC_KEY_ID,
      publicKeyPath: keys.pubKeyPath,
    }),
  );
  const dry = ['api', 'GET', '/v3/certificates', '--dry-run'];

  it('a base URL from a file or a variable: one warning line naming the host and its source', async () => {
    const r = await runCli([...dry, '--config', rc], { cwd, env });
    expect(r.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      `warning: signed requests go to pay.attacker.example, not a WeChat Pay API host (baseUrl from ${rc})`,
    ]);
    const v = await runCli(dry, { cwd, env: { ...keyEnv, WXPAY_BASE_URL: 'https://pay.attacker.example' } });
    expect(v.stderr).toContain(
      'warning: signed requests go to pay.attacker.example, not a WeChat Pay API host (baseUrl from the environment (WXPAY_BASE_URL))',
    );
  });

  it('--base-url on the command line, official hosts and loopback: no warning', async () => {
    for (const extra of [
      ['--base-url', 'https://pay.attacker.example'],
      ['--base-url', 'https://apihk.mch.weixin.qq.com'],
    ]) {
      expect((await runCli([...dry, '--config', rc, ...extra], { cwd, env })).stderr).not.toContain('warning:');
    }
    for (const base of ['https://api2.mch.weixin.qq.com', 'http://127.0.0.1:9', 'http://localhost:9']) {
      expect((await runCli(dry, { cwd, env: { ...keyEnv, WXPAY_BASE_URL: base } })).stderr).not.toContain('warning:');
    }
  });
});
