// Issue 12 §1-3, §8: what the rc search may read. Discovered files are data, never code; they are read from
// cwd up to home and no further; one someone else owns or can write is refused; a discovered file that routes
// requests must hold the merchant key too; and a syntax error shows where, never what.
import { chmodSync, chownSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, SEARCH_PLACES } from '../../src/config/config.js';
import { findConfigFile } from '../../src/config/discovery.js';
import { searchFolders } from '../../src/config/safety.js';
import { rcWorlds } from '../helpers/rc-world.js';

/** A fresh home folder (0700) with a project two levels down; HOME points at it. */
const world = rcWorlds('wxpay-config-trust-');

const marker = (dir: string) => path.join(dir, 'RAN');
const codeRc = (dir: string) =>
  `require('fs').writeFileSync(${JSON.stringify(marker(dir))}, 'ran'); module.exports = { mchid: '1900000001' };\n`;

describe('discovered files are data (regression: .wxpayrc.cjs in a cloned repo ran on every command)', () => {
  it('the search places are JSON, YAML and package.json only', () => {
    expect(SEARCH_PLACES).toEqual(['package.json', '.wxpayrc', '.wxpayrc.json', '.wxpayrc.yaml', '.wxpayrc.yml']);
  });

  it.each(['.wxpayrc.js', '.wxpayrc.cjs', '.wxpayrc.mjs', 'wxpay.config.js', '.config/wxpayrc.js'])(
    '%s in cwd or a parent is never loaded',
    async (name) => {
      const w = world();
      for (const dir of [w.project, path.dirname(w.project)]) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), codeRc(dir));
      }
      const p = await loadConfig({ cwd: w.project, env: w.env });
      expect(p.configPath).toBeUndefined();
      expect(existsSync(marker(w.project))).toBe(false);
      expect(existsSync(marker(path.dirname(w.project)))).toBe(false);
    },
  );

  it("cosmiconfig's meta config (.config/config.cjs in cwd) is never loaded either", async () => {
    const w = world();
    mkdirSync(path.join(w.project, '.config'));
    writeFileSync(path.join(w.project, '.config', 'config.cjs'), codeRc(w.project));
    writeFileSync(
      path.join(w.project, 'package.json'),
      JSON.stringify({ cosmiconfig: { searchPlaces: ['evil.cjs'] } }),
    );
    await loadConfig({ cwd: w.project, env: w.env });
    expect(existsSync(marker(w.project))).toBe(false);
  });

  it('a named .cjs (--config) still loads; config profiles (allowCode: false) refuses it unrun', async () => {
    const w = world();
    const file = path.join(w.project, 'x.cjs');
    writeFileSync(file, codeRc(w.project));
    await expect(
      findConfigFile({ cwd: w.project, env: w.env, configFile: './x.cjs', allowCode: false }),
    ).rejects.toMatchObject({ code: 'CONFIG_UNSAFE' });
    expect(existsSync(marker(w.project))).toBe(false);
    const p = await loadConfig({ cwd: w.project, env: w.env, configFile: './x.cjs' });
    expect(p).toMatchObject({ mchid: '1900000001', configPath: file, configExplicit: true });
    expect(existsSync(marker(w.project))).toBe(true);
  });

  it('"$import" in a discovered file is refused: it would read a file past the ownership check', async () => {
    const w = world();
    writeFileSync(path.join(w.project, '.wxpayrc.json'), JSON.stringify({ $import: '/tmp/elsewhere.json' }));
    await expect(loadConfig({ cwd: w.project, env: w.env })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('$import'),
    });
  });
});

describe('discovery scope (like git: never above home)', () => {
  it('searchFolders: from cwd up to home inclusive; outside home, never a folder above home', () => {
    expect(searchFolders('/home/ann/shop/src', '/home/ann')).toEqual([
      '/home/ann/shop/src',
      '/home/ann/shop',
      '/home/ann',
    ]);
    expect(searchFolders('/tmp/build/x', '/home/ann')).toEqual(['/tmp/build/x', '/tmp/build', '/tmp']);
    expect(searchFolders('/home', '/home/ann')).toEqual([]);
  });

  it('an rc file above home is not read (regression: the search went up to /)', async () => {
    const w = world();
    writeFileSync(path.join(w.top, '.wxpayrc.json'), JSON.stringify({ mchid: '1900000002' }));
    const p = await loadConfig({ cwd: w.project, env: w.env });
    expect(p.configPath).toBeUndefined();
    expect(p.mchid).toBeUndefined();
  });

  it('the user-level $XDG_CONFIG_HOME/wxpay/config.yaml is read after the project chain', async () => {
    const w = world();
    mkdirSync(path.join(w.home, '.config', 'wxpay'), { recursive: true });
    writeFileSync(path.join(w.home, '.config', 'wxpay', 'config.yaml'), 'mchid: "1900000003"\n');
    expect((await loadConfig({ cwd: w.project, env: w.env })).mchid).toBe('1900000003');
    writeFileSync(path.join(w.home, 'shop', '.wxpayrc.json'), JSON.stringify({ mchid: '1900000004' }));
    expect((await loadConfig({ cwd: w.project, env: w.env })).mchid).toBe('1900000004');
  });
});

describe('CONFIG_UNSAFE: a discovered file someone else controls', () => {
  it('group-writable file: refused, naming the file, the mode and both fixes', async () => {
    const w = world();
    const file = path.join(w.project, '.wxpayrc.json');
    writeFileSync(file, JSON.stringify({ mchid: '1900000005' }));
    chmodSync(file, 0o664);
    const err = await loadConfig({ cwd: w.project, env: w.env }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFIG_UNSAFE', exitCode: 3 });
    expect((err as Error).message).toBe(
      `Refusing the rc file ${file}: ${file} is writable by group or others (mode 0664)`,
    );
    expect((err as { hint: string }).hint).toContain(`chmod go-w ${file}`);
    expect((err as { hint: string }).hint).toContain(`--config ${file}`);
  });

  it('a folder writable by others (a shared /tmp-like folder): refused', async () => {
    const w = world();
    const shared = path.join(w.project, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    writeFileSync(path.join(shared, '.wxpayrc.yaml'), 'mchid: "1900000006"\n');
    await expect(loadConfig({ cwd: shared, env: w.env })).rejects.toMatchObject({
      code: 'CONFIG_UNSAFE',
      message: expect.stringContaining(`${shared} is writable by group or others (mode 1777)`),
    });
  });

  it('a file owned by another uid: refused, naming the owner; --config takes it explicitly', async () => {
    const w = world();
    const file = path.join(w.project, '.wxpayrc.json');
    writeFileSync(file, JSON.stringify({ mchid: '1900000007' }));
    const uid = process.getuid!();
    if (uid === 0) chownSync(file, 12345, 12345);
    // Not root: the same check, seen from another uid.
    const as = uid === 0 ? {} : { uid: uid + 1 };
    const owner = uid === 0 ? 12345 : uid;
    await expect(loadConfig({ cwd: w.project, env: w.env, ...as })).rejects.toMatchObject({
      code: 'CONFIG_UNSAFE',
      message: `Refusing the rc file ${file}: ${file} is owned by uid ${owner}, not by you (uid ${uid === 0 ? 0 : uid + 1})`,
      hint: expect.stringContaining(`--config ${file}`),
    });
    expect((await loadConfig({ cwd: w.project, env: w.env, configFile: file, ...as })).mchid).toBe('1900000007');
  });
});

describe('CONFIG_SPLIT_SOURCES (regression: package.json#wxpay redirected requests signed with the env key)', () => {
  const keyEnv = { WXPAY_PRIVATE_KEY_PATH: '/keys/apiclient_key.pem', WXPAY_MCHID: '1900007291' };

  it.each(['baseUrl', 'publicKeyId', 'publicKeyPath', 'platformCertDir'])(
    'a discovered file sets %s, the key comes from env: refused, naming both',
    async (field) => {
      const w = world();
      const file = path.join(w.home, 'shop', 'package.json');
      writeFileSync(
        file,
        JSON.stringify({ name: 'shop', wxpay: { [field]: field === 'baseUrl' ? 'https://evil.example' : 'x' } }),
      );
      await expect(loadConfig({ cwd: w.project, env: { ...w.env, ...keyEnv } })).rejects.toMatchObject({
        code: 'CONFIG_SPLIT_SOURCES',
        exitCode: 3,
        message: `${file} sets ${field}, but the merchant private key (privateKeyPath) comes from the environment (WXPAY_PRIVATE_KEY_PATH)`,
        hint: expect.stringContaining(`--config ${file}`),
      });
    },
  );

  it('a key from a flag is split too; the same file named with --config is whole; APIv3 key from env is fine', async () => {
    const w = world();
    const file = path.join(w.project, '.wxpayrc.json');
    writeFileSync(file, JSON.stringify({ baseUrl: 'https://evil.example', publicKeyId: 'PUB_KEY_ID_1' }));
    await expect(loadConfig({ cwd: w.project, env: w.env, flags: { privateKeyPath: '/k.pem' } })).rejects.toMatchObject(
      { code: 'CONFIG_SPLIT_SOURCES', message: expect.stringContaining('a command-line flag') },
    );
    expect((await loadConfig({ cwd: w.project, env: { ...w.env, ...keyEnv }, configFile: file })).baseUrl).toBe(
      'https://evil.example',
    );
    writeFileSync(
      file,
      JSON.stringify({
        baseUrl: 'https://api2.mch.weixin.qq.com',
        privateKeyPath: './k.pem',
        apiV3Key: 'env:WXPAY_APIV3_KEY',
      }),
    );
    const p = await loadConfig({ cwd: w.project, env: { ...w.env, WXPAY_APIV3_KEY: 'x'.repeat(32) } });
    expect(p.sources).toMatchObject({ baseUrl: file, privateKeyPath: file });
  });

  it('the CI pattern (everything from env, no rc) is not split', async () => {
    const w = world();
    const p = await loadConfig({
      cwd: w.project,
      env: {
        ...w.env,
        ...keyEnv,
        WXPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_1',
        WXPAY_BASE_URL: 'https://api.mch.weixin.qq.com',
      },
    });
    expect(p.sources.privateKeyPath).toBe('env:WXPAY_PRIVATE_KEY_PATH');
  });
});

describe('config syntax errors show where, never what (regression: a code frame printed apiV3Key)', () => {
  const secret = 'LeakedApiV3KeyLeakedApiV3Key0123';
  it.each([
    ['.wxpayrc.json', `{\n  "mchid": "1900007291",\n  "apiV3Key": "${secret}" x\n}\n`, 'JSON', 3, 50],
    ['.wxpayrc.json', `{\n  "apiV3Key": "${secret}",\n  "mchid": 19000x\n}\n`, 'JSON', 3, 17],
    ['.wxpayrc.json', `{"apiV3Key": "${secret}"`, 'JSON', 1, 48],
    // V8 quotes the text for this one instead of giving a position: the position is found without it.
    ['.wxpayrc.json', `{\n  "apiV3Key": "${secret}",\n  "mchid": x\n}\n`, 'JSON', 3, 12],
    ['.wxpayrc.yaml', `mchid: "1900007291"\napiV3Key: "${secret}"\n  bad: [indent\n`, 'YAML', 3, 3],
  ])('%s: file, line and column, no content', async (name, content, format, line, column) => {
    const w = world();
    const file = path.join(w.project, name);
    writeFileSync(file, content);
    const err = (await loadConfig({ cwd: w.project, env: w.env }).catch((e: unknown) => e)) as Error & {
      hint: string;
      cause?: unknown;
    };
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 3 });
    expect(err.message).toMatch(
      new RegExp(`^${format} syntax error in ${file.replace(/[.]/g, '\\.')} at line ${line}, column ${column}: `),
    );
    expect(`${err.message}${err.hint}${JSON.stringify(err)}`).not.toContain(secret.slice(0, 12));
    expect(err.cause).toBeUndefined();
    if (column === 12) expect(err.message).toMatch(/: unexpected character$/);
  });
});
