// Issue 12, attacked after items 1-4 landed: the ways a file found on disk still got past the rules. Each test
// is named after the hole it closes: a whole profile in a discovered file sending signed requests to any host,
// "$import" inside package.json#wxpay, and a symlinked rc whose real file lives where others can write.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadProfile } from '../../src/command-kit/shared.js';
import type { Runtime } from '../../src/runtime.js';
import { rcWorlds } from '../helpers/rc-world.js';

/** A fresh home folder (0700) with a project two levels down; HOME points at it. */
const world = rcWorlds('wxpay-config-attacks-');

/** A profile that is whole (its own key), as a cloned repository can ship it with a guessed key path. */
const whole = (baseUrl: string) => ({
  mchid: '1900000001',
  serialNo: 'AB12',
  privateKeyPath: '/home/ann/keys/apiclient_key.pem',
  baseUrl,
});

describe('CONFIG_FOREIGN_HOST (regression: a discovered file with its own key path sent signed requests to its host)', () => {
  it.each([
    ['package.json#wxpay', 'package.json', (p: object) => JSON.stringify({ name: 'shop', wxpay: p })],
    ['.wxpayrc.json', '.wxpayrc.json', (p: object) => JSON.stringify(p)],
  ])('%s: refused, naming the file and the host, with the explicit ways out', async (_name, file, body) => {
    const w = world();
    const rc = path.join(w.home, 'shop', file);
    writeFileSync(rc, body(whole('https://pay.attacker.example/v3')));
    await expect(loadConfig({ cwd: w.project, env: w.env })).rejects.toMatchObject({
      code: 'CONFIG_FOREIGN_HOST',
      exitCode: 3,
      message: `${rc} sends requests signed with your merchant key to pay.attacker.example, which is neither a WeChat Pay API host nor this machine`,
      hint: expect.stringMatching(new RegExp(`--config ${rc}.*--base-url`)),
      details: { file: rc, host: 'pay.attacker.example' },
    });
  });

  it('the user-level file is found by searching too: refused the same way', async () => {
    const w = world();
    mkdirSync(path.join(w.home, '.config', 'wxpay'), { recursive: true });
    writeFileSync(path.join(w.home, '.config', 'wxpay', 'config.json'), JSON.stringify(whole('http://10.0.0.8:8080')));
    await expect(loadConfig({ cwd: w.project, env: w.env })).rejects.toMatchObject({
      code: 'CONFIG_FOREIGN_HOST',
      details: { host: '10.0.0.8' },
    });
  });

  it.each(['pay.localhost', 'localhost.'])(
    '%s is not loopback (regression: it passed as this machine, but it is not in /etc/hosts, so DNS answers for it)',
    async (host) => {
      const w = world();
      writeFileSync(path.join(w.project, '.wxpayrc.json'), JSON.stringify(whole(`http://${host}:8931`)));
      await expect(loadConfig({ cwd: w.project, env: w.env })).rejects.toMatchObject({
        code: 'CONFIG_FOREIGN_HOST',
        details: { host },
      });
    },
  );

  it('official hosts and loopback (the sandbox rc) from a discovered file still load', async () => {
    for (const base of [
      'https://api.mch.weixin.qq.com',
      'https://api2.mch.weixin.qq.com.',
      'https://apihk.mch.weixin.qq.com',
      'http://127.0.0.1:8931',
      'http://localhost:8931',
      'http://[::1]:8931',
    ]) {
      const w = world();
      writeFileSync(path.join(w.project, '.wxpayrc.json'), JSON.stringify(whole(base)));
      expect((await loadConfig({ cwd: w.project, env: w.env })).baseUrl).toBe(base);
    }
  });

  it('what the user said is explicit: --config, WXPAY_CONFIG, --base-url and WXPAY_BASE_URL all pass', async () => {
    const w = world();
    const rc = path.join(w.project, '.wxpayrc.json');
    writeFileSync(rc, JSON.stringify(whole('https://gateway.example')));
    expect((await loadConfig({ cwd: w.project, env: w.env, configFile: rc })).baseUrl).toBe('https://gateway.example');
    expect((await loadConfig({ cwd: w.project, env: { ...w.env, WXPAY_CONFIG: rc } })).baseUrl).toBe(
      'https://gateway.example',
    );
    expect(
      (await loadConfig({ cwd: w.project, env: w.env, flags: { baseUrl: 'https://other.example' } })).sources.baseUrl,
    ).toBe('flag');
    expect(
      (await loadConfig({ cwd: w.project, env: { ...w.env, WXPAY_BASE_URL: 'https://other.example' } })).sources
        .baseUrl,
    ).toBe('env:WXPAY_BASE_URL');
  });
});

describe('"$import" inside package.json#wxpay (regression: it read a file owned by someone else)', () => {
  it('is refused like a top-level "$import", and the imported file is never used', async () => {
    const w = world();
    const foreign = path.join(w.top, 'evil.json');
    writeFileSync(foreign, JSON.stringify({ mchid: '666' }));
    if (process.getuid?.() === 0) chownSync(foreign, 12345, 12345);
    const pkg = path.join(w.project, 'package.json');
    writeFileSync(pkg, JSON.stringify({ name: 'shop', wxpay: { $import: foreign } }));
    await expect(loadConfig({ cwd: w.project, env: w.env })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `${pkg} uses "$import", which wxpay does not follow`,
    });
  });
});

describe('a symlinked rc is judged where it really lives (regression: a link into a shared folder passed)', () => {
  it('the real file sits in a folder others can write: refused, naming that folder', async () => {
    const w = world();
    const shared = path.join(w.top, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    writeFileSync(path.join(shared, 'rc.json'), JSON.stringify({ mchid: '777' }));
    symlinkSync(path.join(shared, 'rc.json'), path.join(w.project, '.wxpayrc.json'));
    await expect(loadConfig({ cwd: w.project, env: w.env })).rejects.toMatchObject({
      code: 'CONFIG_UNSAFE',
      message: `Refusing the rc file ${path.join(w.project, '.wxpayrc.json')}: ${shared} is writable by group or others (mode 0777)`,
    });
  });

  it('a link in the chain sits in a folder others can write (it could be swapped between the read and the check): refused', async () => {
    const w = world();
    const shared = path.join(w.top, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const real = path.join(w.home, 'dotfiles', 'wxpayrc.json');
    mkdirSync(path.dirname(real));
    writeFileSync(real, JSON.stringify({ mchid: '778' }));
    symlinkSync(real, path.join(shared, 'hop'));
    symlinkSync(path.join(shared, 'hop'), path.join(w.project, '.wxpayrc.json'));
    await expect(loadConfig({ cwd: w.project, env: w.env })).rejects.toMatchObject({
      code: 'CONFIG_UNSAFE',
      message: expect.stringContaining(`${shared} is writable by group or others (mode 1777)`),
    });
  });

  it('a dotfiles-style link to a file in your own folder still loads', async () => {
    const w = world();
    const real = path.join(w.home, 'dotfiles', 'wxpayrc.json');
    mkdirSync(path.dirname(real));
    writeFileSync(real, JSON.stringify({ mchid: '779' }));
    symlinkSync('../../dotfiles/wxpayrc.json', path.join(w.project, '.wxpayrc.json'));
    expect((await loadConfig({ cwd: w.project, env: w.env })).mchid).toBe('779');
  });
});

describe('a found rc that is not a regular file is refused unread (regression: a cloned link to /dev/zero ate 600 MB on TAB, a FIFO hung)', () => {
  it.each([
    ['a link to /dev/zero', (file: string) => symlinkSync('/dev/zero', file)],
    ['a named pipe', (file: string) => execFileSync('mkfifo', [file])],
  ])('%s: CONFIG_UNSAFE, naming the file', async (_name, make) => {
    const w = world();
    const file = path.join(w.project, '.wxpayrc.json');
    make(file);
    await expect(loadConfig({ cwd: w.project, env: w.env })).rejects.toMatchObject({
      code: 'CONFIG_UNSAFE',
      message: `Refusing the rc file ${file}: it is not a regular file`,
    });
  });
});

describe('the ownership check without a passwd entry (regression: `docker run --user 1001` skipped it)', () => {
  it('os.userInfo() throws there; the CLI passes its uid (Runtime.uid), and a file owned by another uid is refused', async () => {
    const w = world();
    const file = path.join(w.project, '.wxpayrc.json');
    writeFileSync(file, JSON.stringify({ mchid: '1900000009' }));
    const other = process.getuid!() + 4321;
    const spy = vi.spyOn(os, 'userInfo').mockImplementation(() => {
      throw new Error('ENOENT: no such file or directory, uv_os_get_passwd');
    });
    try {
      const rt = { cwd: w.project, env: w.env, uid: other } as unknown as Runtime;
      await expect(loadProfile({ args: [], opts: {}, rt })).rejects.toMatchObject({
        code: 'CONFIG_UNSAFE',
        message: expect.stringContaining(`not by you (uid ${other})`),
      });
    } finally {
      spy.mockRestore();
    }
  });
});
