// The profile field `store` (issue 18): WXPAY_STORE and the rc give the webhook store's URL, flags first. A store is
// not a key, but what it holds is signed for the app (the outbox by `webhook serve`, events by `notify replay
// --forward`), so a file found by searching may name a store on this machine only (CONFIG_FOREIGN_HOST otherwise);
// a named file, the environment and --store may name any host.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { foreignStoreHosts } from '../../src/config/trust.js';
import { showableProfile } from '../../src/commands/config-show.js';
import { rcWorlds } from '../helpers/rc-world.js';

const world = rcWorlds('wxpay-config-store-');
const rcWith = (store: string) => {
  const w = world();
  const rc = path.join(w.project, '.wxpayrc.json');
  writeFileSync(rc, JSON.stringify({ mchid: '1900000001', store }));
  return { ...w, rc };
};

describe('the profile field `store`', () => {
  it('comes from the rc, else WXPAY_STORE over it, and config show hides its password', async () => {
    const { project, env, rc } = rcWith('postgres://wxpay:rc-pw@127.0.0.1:5432/shop');
    const fromRc = await loadConfig({ cwd: project, env });
    expect(fromRc.store).toBe('postgres://wxpay:rc-pw@127.0.0.1:5432/shop');
    expect(showableProfile(fromRc).store).toEqual({ value: 'postgres://wxpay:…@127.0.0.1:5432/shop', source: rc });
    const fromEnv = await loadConfig({ cwd: project, env: { ...env, WXPAY_STORE: 'postgres://db.internal/x' } });
    expect(showableProfile(fromEnv).store).toEqual({ value: 'postgres://db.internal/x', source: 'env:WXPAY_STORE' });
  });

  it.each([
    ['its host', 'postgres://wxpay@db.attacker.example:5432/wxpay', ['db.attacker.example']],
    [
      'a host= query parameter (node-postgres takes it over the URL host)',
      'postgres://wxpay@127.0.0.1/w?host=10.0.0.9',
      ['10.0.0.9'],
    ],
    ['a hostaddr= list', 'postgresql://127.0.0.1/w?hostaddr=127.0.0.1,192.0.2.7', ['192.0.2.7']],
  ])(
    'a discovered file naming a store elsewhere by %s is refused (regression: it would have had forged events signed for the app)',
    async (_how, store, hosts) => {
      const { project, env, rc } = rcWith(store);
      await expect(loadConfig({ cwd: project, env })).rejects.toMatchObject({
        code: 'CONFIG_FOREIGN_HOST',
        exitCode: 3,
        message: `${rc} names a webhook store on ${hosts.join(', ')}, which is not this machine`,
        hint: expect.stringMatching(new RegExp(`--config ${rc}.*--store or WXPAY_STORE`)),
      });
    },
  );

  it('a loopback or Unix-socket store is fine in a discovered file; any host is fine in a named one or the env', async () => {
    for (const store of [
      'postgres://wxpay@localhost/w',
      'postgres://[::1]:5433/w',
      'postgres:///w?host=/run/postgresql',
    ])
      expect(foreignStoreHosts(store)).toEqual([]);
    const { project, env, rc } = rcWith('postgres://wxpay@db.internal/wxpay');
    expect((await loadConfig({ cwd: project, env, configFile: rc })).store).toBe('postgres://wxpay@db.internal/wxpay');
    const own = rcWith('postgres://127.0.0.1/w');
    const fromEnv = await loadConfig({
      cwd: own.project,
      env: { ...own.env, WXPAY_STORE: 'postgres://db.internal/w' },
    });
    expect(fromEnv.store).toBe('postgres://db.internal/w');
  });
});

describe('the profile field `ledger` from a discovered file', () => {
  it('may name a ledger on this machine only (regression: a foreign ledger decides whether a refund was already made, so it could allow one twice)', async () => {
    const w = world();
    const rc = path.join(w.project, '.wxpayrc.json');
    writeFileSync(rc, JSON.stringify({ mchid: '1900000001', ledger: 'postgres://wxpay@ledger.attacker.example/w' }));
    await expect(loadConfig({ cwd: w.project, env: w.env })).rejects.toMatchObject({
      code: 'CONFIG_FOREIGN_HOST',
      exitCode: 3,
      message: `${rc} names a batch ledger on ledger.attacker.example, which is not this machine`,
      hint: expect.stringMatching(new RegExp(`--config ${rc}.*--ledger or WXPAY_LEDGER`)),
    });
    expect((await loadConfig({ cwd: w.project, env: w.env, configFile: rc })).ledger).toBe(
      'postgres://wxpay@ledger.attacker.example/w',
    );
    writeFileSync(rc, JSON.stringify({ mchid: '1900000001', ledger: 'postgres://127.0.0.1/w' }));
    expect((await loadConfig({ cwd: w.project, env: w.env })).ledger).toBe('postgres://127.0.0.1/w');
  });
});
