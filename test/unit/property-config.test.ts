// Property test (issue 9): the config loader, given random JSON and YAML shapes, resolves or throws a typed
// WxpayError; it never crashes and never echoes a literal APIv3 key in its message.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fc } from '../helpers/fc.js';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { WxpayError } from '../../src/protocol/errors.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-prop-config-'));
afterAll(() => removeTemp(dir));

const field = fc.constantFrom(
  'mchid',
  'appid',
  'serialNo',
  'privateKeyPath',
  'apiV3Key',
  'publicKeyId',
  'baseUrl',
  'bogus',
  'profiles',
  'defaultProfile',
);
const leaf = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant('env:X'),
  fc.constant('file:./k'),
);
const shape = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(field, tie('node'), { maxKeys: 5 }),
  ),
})).node;

async function typedOrOk(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (e) {
    return e instanceof WxpayError;
  }
}

describe('config loader under random shapes', () => {
  it('JSON rc files', async () => {
    await fc.assert(
      fc.asyncProperty(shape, async (config) => {
        const file = path.join(dir, 'rc.json');
        writeFileSync(file, JSON.stringify(config));
        return typedOrOk(() => loadConfig({ cwd: dir, env: {}, configFile: file }));
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary bytes as a YAML rc file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const file = path.join(dir, 'rc.yaml');
        writeFileSync(file, text);
        return typedOrOk(() => loadConfig({ cwd: dir, env: {}, configFile: file }));
      }),
      { numRuns: 150 },
    );
  });

  it('a literal APIv3 key is refused without being echoed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9]{32}$/), async (key) => {
        const file = path.join(dir, 'lit.json');
        writeFileSync(file, JSON.stringify({ mchid: '1', apiV3Key: key }));
        const err = await loadConfig({ cwd: dir, env: {}, configFile: file }).then(
          () => undefined,
          (e: unknown) => e as WxpayError,
        );
        expect(err).toMatchObject({ code: 'CONFIG_LITERAL_SECRET', exitCode: 3 });
        expect(`${err?.message} ${err?.hint}`).not.toContain(key);
      }),
      { numRuns: 20 },
    );
  });
});
