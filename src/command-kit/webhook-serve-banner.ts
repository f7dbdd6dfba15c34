// What `webhook serve` prints once it listens: one `listening` NDJSON event with --json, else the notes an operator
// reads (where events go, a torn journal line that was cut, the keys and profiles, the forward secret's file).
import type { WebhookServeOptions } from '../cli/webhook.js';
import type { Output } from '../render.js';
import type { WebhookServer } from '../webhook/server.js';
import { PROFILE_PATH_PREFIX } from '../webhook/merchants.js';
import type { ServeStore } from './serve-store.js';

export interface ListeningFacts {
  srv: WebhookServer;
  journalPath: string;
  store: ServeStore | undefined;
  merchants: { keys: string[]; profiles: string[] | undefined };
  secret: { secret: string; file: string; created: boolean } | undefined;
  opts: Pick<WebhookServeOptions, 'forwardTo' | 'ackAfterForward' | 'printSecret'>;
}

export function showListening(out: Output, f: ListeningFacts): void {
  const { srv, store, merchants, secret, opts } = f;
  if (out.json) {
    out.event({
      type: 'listening',
      url: srv.url,
      journal: f.journalPath,
      store: store?.shown ?? null,
      recovered: srv.recovered,
      cutBytes: srv.cutBytes,
      reforwarding: srv.reforwarding,
      keys: merchants.keys,
      ...(merchants.profiles ? { profiles: merchants.profiles } : {}),
      forwardTo: opts.forwardTo ?? null,
      secretFile: secret?.file ?? null,
      ...(opts.printSecret ? { secret: secret!.secret } : {}),
    });
    return;
  }
  out.note(
    store
      ? `listening on ${srv.url}  store ${store.shown} as ${store.options.instance}`
      : `listening on ${srv.url}  journal ${f.journalPath} (${srv.recovered} acknowledged ids recovered)`,
  );
  if (srv.cutBytes)
    out.warn(
      `the journal ended in a torn line (a write cut by a crash); cut ${srv.cutBytes} bytes. That callback was never acknowledged, so WeChat Pay sends it again.`,
    );
  out.note(
    `keys: ${merchants.keys.join(', ')}${merchants.profiles ? `  profiles: ${merchants.profiles.map((p) => `${p} on ${PROFILE_PATH_PREFIX}${p}`).join(', ')}` : ''}${opts.forwardTo ? `  forward-to ${opts.forwardTo}${opts.ackAfterForward ? ' (ack after forward)' : ''}` : ''}`,
  );
  if (secret)
    out.note(
      `forwards are signed (Standard Webhooks) with the secret in ${secret.file}${secret.created ? ' (new)' : ''}; --print-secret shows it`,
    );
  if (opts.printSecret) out.line(`secret: ${secret!.secret}`);
  if (srv.reforwarding)
    out.note(`forwarding again ${srv.reforwarding} event(s) acknowledged earlier but never forwarded`);
}
