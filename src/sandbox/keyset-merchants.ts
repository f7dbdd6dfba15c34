// `sandbox init --merchants N`: merchant 1 is the usual key set in <dir> (profile "sandbox"); merchant i (2..N) is
// a key set of its own in <dir>/merchant-<i> (its own mchid, merchant key, platform certificates, public key and
// APIv3 key), profile "sandbox-<i>" in <dir>/.wxpayrc.json, same port. `sandbox serve` serves them all on one port.
// Without --merchants (or with 1) nothing here runs: a one-merchant sandbox is written exactly as before.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import { writeFileSafe } from '../files/safe-write.js';
import { initSandbox, type SandboxInitOptions, type SandboxInitResult } from './keyset.js';
import { readSandboxFile, writeSandboxFile } from './keyset-files.js';

export const MAX_SANDBOX_MERCHANTS = 9;

export interface SandboxMerchant {
  profile: string;
  mchid: string;
  dir: string;
  serialNo: string;
  platformSerial: string;
  publicKeyId: string;
}

export type SandboxMerchantsResult = SandboxInitResult & { merchants?: SandboxMerchant[] };

const folderOf = (i: number) => `merchant-${i}`;
/** Merchant i's mchid: the first merchant's plus i-1 (1900000001, 1900000002, …). */
const mchidOf = (first: string, i: number) => String(BigInt(first) + BigInt(i - 1));

export async function initSandboxMerchants(
  opts: SandboxInitOptions & { merchants?: number },
): Promise<SandboxMerchantsResult> {
  const count = opts.merchants ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SANDBOX_MERCHANTS)
    throw new WxpayError('USAGE', `--merchants must be 1 to ${MAX_SANDBOX_MERCHANTS}, got ${count}`, {
      hint: 'e.g. --merchants 2 for two merchants served by one sandbox.',
    });
  const main = await initSandbox(opts);
  const earlier = (await readSandboxFile(main.dir))?.merchants ?? [];
  const total = Math.max(count, earlier.length + 1);
  if (total === 1) return main;
  const extra: SandboxInitResult[] = [];
  for (let i = 2; i <= total; i++) {
    const sub = path.join(main.dir, folderOf(i));
    await mkdir(sub, { recursive: true });
    extra.push(
      await initSandbox({
        ...opts,
        dir: sub,
        mchid: (await readSandboxFile(sub))?.mchid ?? mchidOf(main.mchid, i),
        mode: main.mode,
        port: Number(new URL(main.baseUrl).port),
        appid: main.appid,
      }),
    );
  }
  const file = (await readSandboxFile(main.dir))!;
  await writeSandboxFile(main.dir, { ...file, merchants: extra.map((_, k) => folderOf(k + 2)) });
  await writeProfiles(main, extra);
  const entry = (profile: string, r: SandboxInitResult): SandboxMerchant => ({
    profile,
    mchid: r.mchid,
    dir: r.dir,
    serialNo: r.serialNo,
    platformSerial: r.platformSerial,
    publicKeyId: r.publicKeyId,
  });
  return {
    ...main,
    merchants: [entry('sandbox', main), ...extra.map((r, k) => entry(`sandbox-${k + 2}`, r))],
  };
}

/** <dir>/.wxpayrc.json with one profile per merchant; merchant i's paths point into its folder. */
async function writeProfiles(main: SandboxInitResult, extra: readonly SandboxInitResult[]): Promise<void> {
  const rc = JSON.parse(await readFile(main.rcPath, 'utf8')) as { profiles: Record<string, Record<string, string>> };
  for (const [k, r] of extra.entries()) {
    const sub = JSON.parse(await readFile(r.rcPath, 'utf8')) as typeof rc;
    const folder = folderOf(k + 2);
    rc.profiles[`sandbox-${k + 2}`] = Object.fromEntries(
      Object.entries(sub.profiles.sandbox!).map(([f, v]) => [f, relocate(v, folder)]),
    );
  }
  await writeFileSafe(main.rcPath, `${JSON.stringify(rc, null, 2)}\n`);
}

/** A path relative to a merchant's folder (./x or file:./x), made relative to the sandbox folder. */
function relocate(value: string, folder: string): string {
  if (value.startsWith('./')) return `./${folder}/${value.slice(2)}`;
  if (value.startsWith('file:./')) return `file:./${folder}/${value.slice(7)}`;
  return value;
}
