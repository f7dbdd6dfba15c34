// Builds an API client from the resolved profile for the operator commands: merchant signer, verification
// keys (public key, platform certificates, or both), the APIv3 key when configured, User-Agent, --verbose log.
// Also renders --dry-run requests. Timeouts: WXPAY_CONNECT_TIMEOUT_MS / WXPAY_TIMEOUT_MS (default 5 s / 30 s).
import type { KeyObject } from 'node:crypto';
import {
  createClient,
  userAgentFor,
  type PreviewRequest,
  type WxpayClient,
  type WxpayClientOptions,
} from '../http/client.js';
import { describeSource, foreignApiHost, type Profile, type ResolvedProfile } from '../config/config.js';
import { loadApiV3Key, loadMerchant, loadVerifierKeys } from '../config/credentials.js';
import { WxpayError } from '../protocol/errors.js';
import { describeProxy, proxyFromEnv } from '../http/proxy.js';
import { showLineEnds } from '../render.js';
import type { CommandContext } from '../runtime.js';
import { loadProfile, outputFor } from './shared.js';
import { VERSION } from '../version.js';

export interface ClientContext {
  client: WxpayClient;
  profile: ResolvedProfile;
  apiV3Key: KeyObject | undefined;
}

function msFromEnv(ctx: CommandContext, name: string): number | undefined {
  const v = ctx.rt.env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v))
    throw new WxpayError('USAGE', `${name} must be milliseconds, got "${v}"`, { hint: `e.g. ${name}=10000` });
  return Number(v);
}

/**
 * One stderr line when signed requests would go to a host that is not WeChat Pay's nor this machine's, naming
 * where that base URL came from: an rc file or a variable can redirect them unseen. --base-url is explicit.
 */
export function warnForeignHost(ctx: CommandContext, profile: ResolvedProfile): void {
  const source = profile.sources.baseUrl ?? 'default';
  const host = foreignApiHost(profile.baseUrl);
  if (!host || source === 'flag') return;
  ctx.rt.stderr.write(
    `warning: signed requests go to ${host}, not a WeChat Pay API host (baseUrl from ${describeSource(source)})\n`,
  );
}

export async function buildClient(
  ctx: CommandContext,
  extra: Partial<WxpayClientOptions> & { requireApiV3Key?: boolean; profileFlags?: Profile } = {},
): Promise<ClientContext> {
  const profile = await loadProfile(ctx, extra.profileFlags);
  warnForeignHost(ctx, profile);
  const merchant = await loadMerchant(profile);
  const keys = await loadVerifierKeys(profile);
  // The APIv3 key is needed only to refresh or download platform certificates: a command that does not
  // require it still runs when the key is configured but unreadable (say, its env variable is not exported).
  let apiV3Key: KeyObject | undefined;
  if (extra.requireApiV3Key) apiV3Key = await loadApiV3Key(profile, ctx.rt.env);
  else if (profile.apiV3Key) {
    apiV3Key = await loadApiV3Key(profile, ctx.rt.env).catch((e: unknown) => {
      if (ctx.opts.verbose)
        ctx.rt.stderr.write(
          `APIv3 key not loaded (${(e as Error).message}); an unknown platform serial cannot be refreshed\n`,
        );
      return undefined;
    });
  }
  const connectTimeoutMs = msFromEnv(ctx, 'WXPAY_CONNECT_TIMEOUT_MS');
  const timeoutMs = msFromEnv(ctx, 'WXPAY_TIMEOUT_MS');
  const { requireApiV3Key: _, profileFlags: _flags, ...rest } = extra;
  const proxy = proxyFromEnv(ctx.rt.env);
  if (ctx.opts.verbose) ctx.rt.stderr.write(`${describeProxy(profile.baseUrl, proxy)}\n`);
  const client = createClient({
    baseUrl: profile.baseUrl,
    merchant,
    keys,
    ...(apiV3Key ? { apiV3Key } : {}),
    ...(profile.publicKeyId ? { publicKeyId: profile.publicKeyId } : {}),
    proxy,
    now: () => ctx.rt.now(),
    userAgent: userAgentFor(VERSION, process.platform, process.version),
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    // The verbose log shows servers' headers and bodies: through Output, so they are neutralised like all human output.
    ...(ctx.opts.verbose ? { log: (line: string) => outputFor(ctx).note(line) } : {}),
    ...rest,
  });
  return { client, profile, apiV3Key };
}

/** Runs fn with a client and always frees its connection pool, so the process can exit at once. */
export async function withClient<T>(
  ctx: CommandContext,
  fn: (c: ClientContext) => Promise<T>,
  extra?: Parameters<typeof buildClient>[1],
): Promise<T> {
  const c = await buildClient(ctx, extra);
  try {
    return await fn(c);
  } finally {
    await c.client.close();
  }
}

/** --dry-run: the request as it would go on the wire but unsigned (client.preview), the message that would be
 *  signed, and nothing sent. `wxpay sign` is the command for a real signature. */
export function printDryRun(ctx: CommandContext, preview: PreviewRequest): void {
  const out = outputFor(ctx);
  const { message, ...wire } = preview;
  // An upload's body is binary; its signed part (the meta JSON) is in the message.
  const body = typeof wire.body === 'string' ? wire.body : `<multipart/form-data, ${wire.body.length} bytes>`;
  const request = { ...wire, body };
  if (out.json) {
    out.data({ dryRun: true, request, message });
    return;
  }
  out.note('dry run: nothing was sent, and nothing was signed (wxpay sign makes a real signature)');
  out.line(`${request.method} ${request.url}`);
  for (const [k, v] of Object.entries(request.headers)) out.line(`${k}: ${v}`);
  out.line();
  if (request.body) out.line(request.body);
  out.line();
  out.line(out.color.bold('message to sign') + out.color.dim(' (↵ = LF)'));
  out.line(showLineEnds(message).replace(/\n$/, ''));
}
