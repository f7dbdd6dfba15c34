// Declarations: wxpay notify verify | decrypt | trigger | replay (issue 5).
import { Option, type Command } from '@commander-js/extra-typings';
import type { Runtime } from '../runtime.js';
import { collect, lazy, type OptionsOf } from './lazy.js';

const declareVerify = (notify: Command) =>
  notify
    .command('verify')
    .description("verify a captured callback with the profile's keys (exit 6 if it does not verify)")
    .option('--capture <file>', 'capture JSON {headers, body} or "-" for stdin')
    .option('--http <file>', 'raw HTTP request text, e.g. copied from a proxy log')
    .option('--explain', 'show every step: headers, skew, serial kind, key lookup, body bytes/SHA-256, RSA')
    .option('--now <unix>', 'check the timestamp against this time instead of the clock');
export type NotifyVerifyOptions = OptionsOf<typeof declareVerify>;

const declareDecrypt = (notify: Command) =>
  notify
    .command('decrypt')
    .description('verify, then decrypt the resource with the APIv3 key (exit 7 if it does not decrypt)')
    .option('--capture <file>', 'capture JSON {headers, body} or "-" for stdin')
    .option('--http <file>', 'raw HTTP request text')
    .option('--resource <json>', 'a notification body or its resource object (inline JSON, a file, or "-")')
    .option('--no-verify', 'skip the signature check (prints a warning)')
    .option('--now <unix>', 'check the timestamp against this time instead of the clock');
export type NotifyDecryptOptions = OptionsOf<typeof declareDecrypt>;

const declareTrigger = (notify: Command) =>
  notify
    .command('trigger')
    .description("send a signed test notification, signed with the sandbox's keys, to a receiver")
    .argument(
      '<event>',
      'TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED, MCHTRANSFER.BILL.FINISHED, COMPLAINT.CREATE or COMPLAINT.STATE_CHANGE (complaint_id via --set)',
    )
    .requiredOption('--to <url>', 'receiver URL, e.g. http://127.0.0.1:8930/')
    .option('--out-trade-no <no>', 'out_trade_no, or out_bill_no for MCHTRANSFER.BILL.FINISHED (default: random)')
    .option('--amount <fen>', 'amount in fen (default 1)')
    .option(
      '--set <path=value>',
      'override a field of the decrypted object (repeatable), e.g. amount.total=100',
      collect,
    )
    .option('--probe', 'send a WECHATPAY/SIGNTEST/ probe; succeed only if the receiver rejects it')
    .option('--sandbox-dir <dir>', 'sandbox key set (default ./.wxpay-sandbox)')
    .addOption(
      new Option(
        '--sign-with <kind>',
        'sign with the public key or the newest platform certificate (default: by sandbox mode)',
      ).choices(['pubkey', 'cert']),
    );
export type NotifyTriggerOptions = OptionsOf<typeof declareTrigger>;

const declareReplay = (notify: Command) =>
  notify
    .command('replay')
    .description('re-send captured callbacks byte for byte (or re-signed with sandbox keys), or re-send a forward')
    .argument(
      '[file]',
      'a capture JSON or a journal (NDJSON), "-" for stdin (default: the store, else ./wxpay-webhooks.ndjson)',
    )
    .option('--store <url>', 'read the callbacks from the PostgreSQL store (or WXPAY_STORE, or `store` in the profile)')
    .option('--journal <file>', "with the store and --forward: webhook serve's --journal, beside which the secret is")
    .option('--to <url>', 'receiver URL for the callback as WeChat Pay sent it')
    .option(
      '--forward <url>',
      "send what `webhook serve --forward-to` sends (decrypted, signed with the journal's secret)",
    )
    .option('--id <event id>', 'only the callback with this event id')
    .option('--resign', "fresh timestamp, nonce and signature from the sandbox's keys")
    .option('--sandbox-dir <dir>', 'sandbox key set for --resign (default ./.wxpay-sandbox)')
    .addOption(
      new Option('--sign-with <kind>', "for --resign when the capture's serial is not a sandbox key").choices([
        'pubkey',
        'cert',
      ]),
    );
export type NotifyReplayOptions = OptionsOf<typeof declareReplay>;

const declareRecover = (notify: Command) =>
  notify
    .command('recover')
    .description(
      'find callbacks that never reached the journal (final states in the bills or queried) and, with --forward, send them',
    )
    .option(
      '--since <time>',
      'start of the window: RFC 3339, or a date, today or yesterday (from 00:00 China time); required',
    )
    .option('--until <time>', 'end of the window (default now)')
    .option('--orders <file>', 'out_trade_no values, one per line or the first CSV column')
    .option('--refunds <file>', 'out_refund_no values, one per line or the first CSV column')
    .option(
      '--journal <file>',
      "webhook serve's journal (default: the store if there is one, else ./wxpay-webhooks.ndjson)",
    )
    .option('--store <url>', 'check the PostgreSQL store instead (or WXPAY_STORE, or `store` in the profile)')
    .option('--no-bills', "do not read the trade bills of the window's days (only --orders/--refunds)")
    .option('--forward <url>', 'send each missing one to the app once, marked recovered, signed like a forward')
    .option('--enqueue', "with the store: store each missing one with an outbox row, for the listeners' forwarders")
    .option('--dry-run', 'list only, forward nothing');
export type NotifyRecoverOptions = OptionsOf<typeof declareRecover>;

export function registerNotify(program: Command, rt: Runtime): void {
  const notify = program.command('notify').description('verify, decrypt, send and replay WeChat Pay callbacks');
  declareVerify(notify)
    .addHelpText('after', '\nExample:\n  wxpay notify verify --capture callback.json --explain')
    .action(lazy(rt, () => import('../commands/notify-verify.js')));
  declareDecrypt(notify)
    .addHelpText('after', '\nExample:\n  wxpay notify decrypt --capture callback.json --json')
    .action(lazy(rt, () => import('../commands/notify-decrypt.js')));
  declareTrigger(notify)
    .addHelpText(
      'after',
      '\nExample:\n  wxpay notify trigger TRANSACTION.SUCCESS --to http://127.0.0.1:8930/ --amount 100',
    )
    .action(lazy(rt, () => import('../commands/notify-trigger.js')));
  declareReplay(notify)
    .addHelpText(
      'after',
      '\nExamples:\n  wxpay notify replay wxpay-webhooks.ndjson --id EV-2018022511223320873 --to http://127.0.0.1:8930/\n  wxpay notify replay wxpay-webhooks.ndjson --id EV-2018022511223320873 --forward http://127.0.0.1:3000/notify\n  wxpay notify replay --store postgres://wxpay@127.0.0.1:5432/wxpay --id EV-2018022511223320873 --forward http://127.0.0.1:3000/notify',
    )
    .action(lazy(rt, () => import('../commands/notify-replay.js')));
  declareRecover(notify)
    .addHelpText(
      'after',
      '\nExamples:\n  wxpay notify recover --since 2026-12-01 --forward http://127.0.0.1:3000/notify\n  wxpay notify recover --since 2026-12-01 --no-bills --orders orders.txt --dry-run\n  wxpay notify recover --since yesterday --store postgres://wxpay@127.0.0.1:5432/wxpay --enqueue',
    )
    .action(lazy(rt, () => import('../commands/notify-recover.js')));
}
