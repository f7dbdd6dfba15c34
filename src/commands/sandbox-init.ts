// `wxpay sandbox init`: writes a throwaway key set and the "sandbox" profile; prints every path (absolute).
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import { SANDBOX_MODES, type SandboxMode } from '../sandbox/keyset.js';
import { initSandboxMerchants } from '../sandbox/keyset-merchants.js';
import type { CommandContext } from '../runtime.js';
import type { SandboxInitOptions } from '../cli/sandbox.js';
import { intOption, outputFor } from '../command-kit/shared.js';

export function sandboxMode(value: string | undefined): SandboxMode | undefined {
  if (value === undefined) return undefined;
  if (!(SANDBOX_MODES as readonly string[]).includes(value)) {
    throw new WxpayError('USAGE', `--mode must be cert, pubkey or mixed, got "${value}"`, {
      hint: 'cert: platform certificates; pubkey: the WeChat Pay public key (new merchants); mixed: both, as during a migration.',
    });
  }
  return value as SandboxMode;
}

export async function run(ctx: CommandContext<SandboxInitOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const mode = sandboxMode(opts.mode);
  const port = intOption(opts.port, '--port');
  if (opts.mchid !== undefined && !/^\d{6,12}$/.test(opts.mchid))
    throw new WxpayError('USAGE', `--mchid must be digits, got "${opts.mchid}"`, { hint: 'e.g. --mchid 1900000001' });
  const merchants = intOption(opts.merchants, '--merchants');
  const result = await initSandboxMerchants({
    ...(merchants !== undefined ? { merchants } : {}),
    dir: path.resolve(rt.cwd, opts.dir),
    ...(mode ? { mode } : {}),
    ...(opts.mchid ? { mchid: opts.mchid } : {}),
    ...(opts.appid ? { appid: opts.appid } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(rt.newRsaKeyPair ? { newRsaKeyPair: rt.newRsaKeyPair } : {}),
  });
  const out = outputFor(ctx);
  if (out.json) {
    out.data(result);
    return;
  }
  out.line(`${out.color.green('sandbox key set ready')} in ${result.dir} (mode ${result.mode})`);
  out.table([
    ['profile', `${result.profile} in ${result.rcPath}`],
    ['mchid / appid', `${result.mchid} / ${result.appid}`],
    ['merchant serial', result.serialNo],
    ['platform serial', result.platformSerial],
    ['public key id', result.publicKeyId],
    ['baseUrl', result.baseUrl],
    ...(result.merchants ?? [])
      .slice(1)
      .map((m): [string, string] => [`profile ${m.profile}`, `mchid ${m.mchid}, keys in ${m.dir}`]),
  ]);
  out.line();
  out.line(`next: wxpay sandbox serve --dir ${path.relative(rt.cwd, result.dir) || '.'}`);
  out.line(`then: wxpay --config ${path.relative(rt.cwd, result.rcPath)} <command>`);
}
