// `wxpay webhook serve`: a local callback listener. Verifies, decrypts, journals with fsync before answering,
// forwards to the app signed per Standard Webhooks, one live line per event (NDJSON with --json), graceful shutdown
// on SIGINT/SIGTERM.
import path from 'node:path';
import { loadApiV3Key, loadVerifierKeys } from '../config/credentials.js';
import { WxpayError } from '../protocol/errors.js';
import type { CommandContext } from '../runtime.js';
import type { WebhookServeOptions } from '../cli/webhook.js';
import { forwardSecret } from '../webhook/forward-secret.js';
import { resendCommand } from '../webhook/resend.js';
import { startWebhookServer } from '../webhook/server.js';
import { refuseForwardCredentials } from '../command-kit/forward-url.js';
import { loadMerchantKeys, merchantProfileNames } from '../command-kit/merchant-profiles.js';
import { assertOwnSerials } from '../webhook/merchants.js';
import { intOption, loadProfile, outputFor } from '../command-kit/shared.js';
import { openServeStore } from '../command-kit/serve-store.js';
import { storeUrlFor } from '../command-kit/store-url.js';
import { showListening } from '../command-kit/webhook-serve-banner.js';
import { liveLinePrinter } from '../command-kit/live-lines.js';

function checkOptions(opts: WebhookServeOptions, storeUrl: string | undefined): void {
  if (!(opts.path ?? '/').startsWith('/'))
    throw new WxpayError('USAGE', `--path must start with "/", got "${opts.path}"`, {
      hint: 'e.g. --path /wxpay/notify',
    });
  if (opts.ackAfterForward && !opts.forwardTo)
    throw new WxpayError('USAGE', '--ack-after-forward needs --forward-to', {
      hint: 'Give the app URL with --forward-to http://127.0.0.1:3000/notify.',
    });
  if (opts.forwardTo) refuseForwardCredentials('--forward-to', opts.forwardTo);
  if (opts.forwardTo && !/^https?:\/\//.test(opts.forwardTo))
    throw new WxpayError('USAGE', `--forward-to must be an http(s) URL, got "${opts.forwardTo}"`, {
      hint: 'e.g. --forward-to http://127.0.0.1:3000/notify',
    });
  if (opts.ackAfterForward && storeUrl)
    throw new WxpayError('USAGE', '--ack-after-forward does not combine with --store', {
      hint: 'With a store the event is committed before the 2xx and forwarded from the outbox; drop --ack-after-forward.',
    });
  // Store-only settings would otherwise be ignored without a word by the file journal.
  const storeOnly = [
    ['--instance', opts.instance],
    ['--lease', opts.lease],
    ['--store-connections', opts.storeConnections],
  ].find(([, v]) => v !== undefined);
  if (storeOnly && !storeUrl)
    throw new WxpayError('USAGE', `${storeOnly[0]} needs --store`, {
      hint: 'It sets how this instance uses the PostgreSQL store: give --store postgres://… (or WXPAY_STORE).',
    });
  if (opts.printSecret && !opts.forwardTo)
    throw new WxpayError('USAGE', '--print-secret needs --forward-to', {
      hint: 'The secret signs forwards; it is stored beside the journal as <journal>.forward-secret.',
    });
}

/** One merchant (the profile), or many (--profiles / --all-profiles): the server's key options and what to print. */
async function merchantsOf(ctx: CommandContext<WebhookServeOptions>) {
  if (ctx.opts.profiles !== undefined || ctx.opts.allProfiles) {
    const list = await loadMerchantKeys(ctx, await merchantProfileNames(ctx, ctx.opts));
    assertOwnSerials(list); // before anything is written (the forward secret beside the journal)
    return {
      server: { merchants: list },
      keys: list.flatMap((m) => [...m.keys.keys()].map((k) => `${m.profile}:${k}`)),
      profiles: list.map((m) => m.profile),
      // The store's key is (mchid, event id): every merchant needs its mchid (the first one is the fallback).
      mchid: list.every((m) => m.mchid) ? list[0]?.mchid : undefined,
    };
  }
  const profile = await loadProfile(ctx);
  const keys = await loadVerifierKeys(profile);
  if (keys.size === 0) {
    throw new WxpayError('CONFIG_INVALID', `Profile "${profile.name}" has no verification key`, {
      hint: 'Set publicKeyId + publicKeyPath (public-key mode) and/or platformCertDir (certificate mode); during a migration set both.',
    });
  }
  const apiV3Key = await loadApiV3Key(profile, ctx.rt.env);
  return {
    server: {
      keys,
      apiV3Key,
      // Certificate mode: a rotated platform certificate is picked up from platformCertDir without a restart.
      ...(profile.platformCertDir ? { reloadKeys: () => loadVerifierKeys(profile) } : {}),
    },
    keys: [...keys.keys()],
    profiles: undefined,
    mchid: profile.mchid,
  };
}

export async function run(ctx: CommandContext<WebhookServeOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  const storeUrl = await storeUrlFor(ctx);
  checkOptions(opts, storeUrl);
  const port = intOption(opts.port ?? '8930', '--port')!;
  const merchants = await merchantsOf(ctx);
  const journalPath = path.resolve(rt.cwd, opts.journal ?? 'wxpay-webhooks.ndjson');
  const attempts = intOption(opts.forwardAttempts, '--forward-attempts');
  const maxConnections = intOption(opts.maxConnections, '--max-connections');
  const maxInflightBytes = intOption(opts.maxInflightBytes, '--max-inflight-bytes');
  const secret = opts.forwardTo ? await forwardSecret(journalPath) : undefined;
  const store = storeUrl ? await openServeStore(storeUrl, merchants.mchid, opts) : undefined;
  // A listener that cannot start must not leave the store's pool open (it would keep the process alive).
  const srv = await startWebhookServer({
    ...(store ? { store: store.options } : {}),
    host: opts.host ?? '127.0.0.1',
    port,
    path: opts.path ?? '/',
    ...merchants.server,
    journalPath,
    ...(opts.forwardTo
      ? {
          forwardTo: opts.forwardTo,
          forwardSecret: secret!.secret,
          resendCommand: (id: string) => resendCommand(journalPath, id, opts.forwardTo!),
        }
      : {}),
    ...(attempts ? { forwardAttempts: attempts } : {}),
    ...(maxConnections ? { maxConnections } : {}),
    ...(maxInflightBytes ? { maxInflightBytes } : {}),
    ackAfterForward: Boolean(opts.ackAfterForward),
    now: () => rt.now(),
    onEvent: liveLinePrinter(out, rt.stdout),
  }).catch(async (err: unknown) => {
    await store?.close();
    throw err;
  });
  // A closed stdout (`| head -1`) must not stop the listener: live lines are dropped, the journal still has them.
  const offClosed = rt.onStdoutClosed?.(() => undefined);
  showListening(out, { srv, journalPath, store, merchants, secret, opts });
  await new Promise<void>((resolve) => {
    const off = rt.onSignal((signal) => {
      off();
      offClosed?.();
      if (!out.json) out.note(`${signal}: finishing requests in flight, flushing the journal`);
      void srv.close().then(async () => {
        await store?.close();
        if (out.json) out.event({ type: 'stopped', signal });
        resolve();
      });
    });
  });
}
