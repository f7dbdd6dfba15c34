// Config discovery (issue 2 §2, issue 12): cosmiconfig under the module name `wxpay`, searched from a nested folder
// upward through every search place, or named with --config / WXPAY_CONFIG.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEARCH_PLACES, loadConfig } from '../../src/config/config.js';
import { tempDir } from '../helpers/fixtures.js';

const root = tempDir('wxpay-config-search-');
let n = 0;

/** A project folder with `file` at its top and a nested working folder two levels down. */
function project(file: string, content: string): { top: string; nested: string } {
  const top = path.join(root, `p${++n}`);
  const nested = path.join(top, 'src', 'deep');
  mkdirSync(nested, { recursive: true });
  writeFileSync(path.join(top, file), content);
  return { top, nested };
}

const profileJson = (mchid: string) => JSON.stringify({ mchid, privateKeyPath: './k.pem' });

const cases: Array<[string, string]> = [
  ['package.json', JSON.stringify({ name: 'shop', wxpay: { mchid: '1000000001', privateKeyPath: './k.pem' } })],
  ['.wxpayrc', profileJson('1000000002')],
  ['.wxpayrc.json', profileJson('1000000003')],
  ['.wxpayrc.yaml', 'mchid: "1000000004"\nprivateKeyPath: ./k.pem\n'],
  ['.wxpayrc.yml', '# YAML with a comment\nmchid: "1000000005"\nprivateKeyPath: ./k.pem\n'],
];

// Code loads only from a file named with --config / WXPAY_CONFIG (issue 12 §1; config-trust.test.ts).
const named: Array<[string, string]> = [
  ['.wxpayrc.js', 'module.exports = { mchid: "1000000006", privateKeyPath: "./k.pem" };\n'],
  ['.wxpayrc.cjs', 'module.exports = { mchid: "1000000007", privateKeyPath: "./k.pem" };\n'],
  ['wxpay.config.js', 'module.exports = { mchid: "1000000008", privateKeyPath: "./k.pem" };\n'],
];

describe('config search', () => {
  it('covers every data search place, in order', () => {
    expect(SEARCH_PLACES).toEqual(cases.map(([f]) => f));
  });

  it.each(cases)('finds %s from a nested folder upward, paths relative to the rc folder', async (file, content) => {
    const { top, nested } = project(file, content);
    const p = await loadConfig({ cwd: nested, env: {} });
    expect(p.configPath).toBe(path.join(top, file));
    expect(p.name).toBe('default');
    expect(p.mchid).toMatch(/^100000000\d$/);
    expect(p.privateKeyPath).toBe(path.join(top, 'k.pem'));
    expect(p.sources.mchid).toBe(path.join(top, file));
  });

  it.each(named)('%s loads when named with --config, paths relative to its folder', async (file, content) => {
    const { top, nested } = project(file, content);
    const p = await loadConfig({ cwd: nested, env: {}, configFile: path.join(top, file) });
    expect(p.mchid).toMatch(/^100000000\d$/);
    expect(p.privateKeyPath).toBe(path.join(top, 'k.pem'));
  });

  it('a package.json without a "wxpay" key is skipped and the search goes on upward', async () => {
    const { top, nested } = project('.wxpayrc.json', profileJson('1000000011'));
    writeFileSync(path.join(top, 'src', 'package.json'), JSON.stringify({ name: 'inner' }));
    expect((await loadConfig({ cwd: nested, env: {} })).configPath).toBe(path.join(top, '.wxpayrc.json'));
  });

  it('the nearest rc file wins over one further up', async () => {
    const { top, nested } = project('.wxpayrc.json', profileJson('1000000012'));
    writeFileSync(path.join(top, 'src', '.wxpayrc.yaml'), 'mchid: "1000000013"\n');
    const p = await loadConfig({ cwd: nested, env: {} });
    expect(p.mchid).toBe('1000000013');
    expect(p.configPath).toBe(path.join(top, 'src', '.wxpayrc.yaml'));
  });

  it('--config names a file explicitly, relative to cwd, and skips the search', async () => {
    const { top, nested } = project('.wxpayrc.json', profileJson('1000000014'));
    writeFileSync(path.join(top, 'other.yaml'), 'mchid: "1000000015"\nprivateKeyPath: keys/k.pem\n');
    const p = await loadConfig({ cwd: nested, env: {}, configFile: '../../other.yaml' });
    expect(p.mchid).toBe('1000000015');
    expect(p.configPath).toBe(path.join(top, 'other.yaml'));
    expect(p.privateKeyPath).toBe(path.join(top, 'keys', 'k.pem'));
  });

  it('WXPAY_CONFIG names a file; --config wins over it', async () => {
    const { top, nested } = project('a.json', profileJson('1000000016'));
    writeFileSync(path.join(top, 'b.json'), profileJson('1000000017'));
    expect((await loadConfig({ cwd: nested, env: { WXPAY_CONFIG: path.join(top, 'a.json') } })).mchid).toBe(
      '1000000016',
    );
    expect(
      (
        await loadConfig({
          cwd: nested,
          env: { WXPAY_CONFIG: path.join(top, 'a.json') },
          configFile: path.join(top, 'b.json'),
        })
      ).mchid,
    ).toBe('1000000017');
  });

  it('a missing --config file is CONFIG_NOT_FOUND (exit 3) naming the path', async () => {
    await expect(loadConfig({ cwd: root, env: {}, configFile: 'nope.json' })).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
      exitCode: 3,
      message: expect.stringContaining('nope.json'),
    });
  });

  it('broken JSON is CONFIG_INVALID naming the line and column', async () => {
    const { nested } = project('.wxpayrc.json', '{"mchid": ');
    await expect(loadConfig({ cwd: nested, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('JSON syntax error in'),
    });
  });

  it('no rc file anywhere: env alone configures the profile "default"', async () => {
    const bare = path.join(root, 'bare');
    mkdirSync(bare);
    const p = await loadConfig({ cwd: bare, env: { WXPAY_MCHID: '1900007291' } });
    expect(p).toMatchObject({
      name: 'default',
      configPath: undefined,
      mchid: '1900007291',
      baseUrl: 'https://api.mch.weixin.qq.com',
    });
  });
});
