// Declarations: wxpay webhook serve (the local callback listener, issue 5).
import type { Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { collect, lazy, type OptionsOf } from './lazy.js';

const declareServe = (webhook: Command) =>
  webhook
    .command('serve')
    .description('verify, decrypt, journal (fsync) and acknowledge callbacks; optionally forward them to your app')
    .option('--port <n>', 'port (default 8930; 0 picks one)')
    .option('--host <addr>', 'address to bind (default 127.0.0.1)')
    .option('--path <path>', 'callback path (default /)')
    .option('--forward-to <url>', 'POST each new decrypted event as JSON to this URL, signed (Standard Webhooks)')
    .option('--journal <file>', 'NDJSON journal (default ./wxpay-webhooks.ndjson)')
    .option('--ack-after-forward', 'answer WeChat Pay 2xx only after the app answered 2xx')
    .option('--forward-attempts <n>', 'forward attempts with backoff (default 4)')
    .option('--print-secret', 'print the whsec_ secret forwards are signed with (kept in <journal>.forward-secret)')
    .option('--max-connections <n>', 'connections at once (default 256)')
    .option('--max-inflight-bytes <n>', 'request-body bytes held at once over all requests (default 16777216)')
    .option('--profiles <a,b>', "serve these profiles' merchants: each on /notify/<profile>, and on --path by serial")
    .option('--all-profiles', 'serve every profile of the rc file (as --profiles)')
    .option('--store <url>', 'keep events and forwards in PostgreSQL, shared by instances (or WXPAY_STORE, or profile)')
    .option('--instance <name>', "this instance's name in the store (default host:pid)")
    .option('--lease <seconds>', 'with --store: how long a forwarder holds a claimed event (default 30)')
    .option('--store-connections <n>', "with --store: this instance's connections to PostgreSQL at most (default 10)");
export type WebhookServeOptions = OptionsOf<typeof declareServe>;

const declareTail = (webhook: Command) =>
  webhook
    .command('tail')
    .description("show a webhook journal as serve's live lines: filtered, and with --follow as it grows")
    .option('--journal <file>', 'NDJSON journal (default: the store if there is one, else ./wxpay-webhooks.ndjson)')
    .option('--store <url>', 'read the PostgreSQL store of `webhook serve --store` (or WXPAY_STORE, or the profile)')
    .option('-f, --follow', 'keep printing new entries, across rotation, until Ctrl-C')
    .option(
      '--filter <key=value>',
      'only entries whose key matches; `*` at the end matches a prefix (repeatable)',
      collect,
    )
    .option('-n, --lines <n>', 'only the last n matching entries (without --follow)');
export type WebhookTailOptions = OptionsOf<typeof declareTail>;

const declareMigrate = (webhook: Command) =>
  webhook
    .command('migrate')
    .description("bring a PostgreSQL store's schema up to this version's (webhook serve --store refuses an older one)")
    .option('--store <url>', 'postgres://user[:password]@host:port/db (or WXPAY_STORE, or `store` in the profile)')
    .option('--to <version>', 'stop at this schema version (default: the newest)');
export type WebhookMigrateOptions = OptionsOf<typeof declareMigrate>;

export function registerWebhook(program: Command, rt: Runtime): void {
  const webhook = program.command('webhook').description('a local callback listener');
  declareServe(webhook)
    .addHelpText(
      'after',
      '\nExamples:\n  wxpay webhook serve --forward-to http://127.0.0.1:3000/notify --json\n  wxpay webhook serve --profiles shop,franchise',
    )
    .action(lazy(rt, () => import('../commands/webhook-serve.js')));
  declareTail(webhook)
    .addHelpText(
      'after',
      '\nExamples:\n  wxpay webhook tail --filter outcome=rejected\n  wxpay webhook tail --follow --filter event_type=REFUND.* --json\n  wxpay webhook tail --store postgres://wxpay@127.0.0.1:5432/wxpay --lines 20',
    )
    .action(lazy(rt, () => import('../commands/webhook-tail.js')));
  declareMigrate(webhook)
    .addHelpText('after', '\nExample:\n  wxpay webhook migrate --store postgres://wxpay@127.0.0.1:5432/wxpay')
    .action(lazy(rt, () => import('../commands/webhook-migrate.js')));
}
