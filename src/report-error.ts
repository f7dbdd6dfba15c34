// Maps anything thrown to an exit code and prints it: a human message with its hint, or {"error":{...}} on
// stderr with --json. Commander's usage errors take the same path (exitOverride), as exit 2.
import { WxpayError, isWxpayError } from './protocol/errors.js';
import type { Runtime } from './runtime.js';
import { makeOutput, terminalSafe } from './render.js';

/** Commander's own errors, recognised by shape: the CLI's start-up path is bundled with its own copy of
 *  commander (scripts/bundle-cli.mjs), so `instanceof CommanderError` would test against the wrong class. */
interface CommanderLike {
  code: string;
  exitCode: number;
  message: string;
  /** Set by src/cli.ts: the command the error belongs to ("refund create"), for the hint. */
  commandPath?: string;
}
export function isCommanderError(err: unknown): err is CommanderLike {
  const e = err as { code?: unknown; exitCode?: unknown } | null;
  // cmd.error() may carry a code of our own (e.g. wxpay.batchOption), so the class name counts too.
  return (
    err instanceof Error &&
    typeof e?.code === 'string' &&
    typeof e.exitCode === 'number' &&
    (e.code.startsWith('commander.') || err.name === 'CommanderError' || err.name === 'InvalidArgumentError')
  );
}

export function toWxpayError(err: unknown): WxpayError | { helpExit: number } {
  if (isWxpayError(err)) return err;
  if (isCommanderError(err)) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      return { helpExit: 0 };
    if (err.code === 'commander.executeSubCommandAsync') return { helpExit: err.exitCode };
    // An unknown '--flag=value' is echoed without its value, which may be a secret (issue 9); commander's
    // "(Did you mean …?)" line joins the message.
    const message = err.message
      .replace(/^error: /, '')
      .replace(/(unknown option '[^'=]*)=[^']*'/g, "$1=…'")
      .replace(/\n\((Did you mean [^)]*)\)/, ' ($1)');
    const help = ['wxpay', err.commandPath, '--help'].filter(Boolean).join(' ');
    // A typo'd subcommand needs the list of commands, not "its arguments" (which would be the typo's).
    const what = err.code === 'commander.unknownCommand' ? 'the commands it has' : 'its arguments and an example';
    return new WxpayError('USAGE', message, { hint: `Run \`${help}\` to see ${what}.` });
  }
  return new WxpayError('INTERNAL', `Internal error: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
    hint: 'This is a bug in wxpay. Re-run with --verbose and report the stack trace.',
  });
}

export function reportError(err: unknown, rt: Runtime, json: boolean, verbose: boolean, color?: boolean): number {
  const e = toWxpayError(err);
  if ('helpExit' in e) return e.helpExit;
  const out = makeOutput(rt, { json, ...(color === false ? { color } : {}), colorStream: 'stderr' });
  if (json) {
    rt.stderr.write(`${JSON.stringify({ error: e.toJSON() })}\n`);
    return e.exitCode;
  }
  // Every field may carry a server's words (an error body is unsigned), so each is shown on its own line, neutralised.
  const safe = (text: string) => terminalSafe(text, { singleLine: true });
  const c = out.color;
  rt.stderr.write(`${c.red('✖')} ${c.bold(safe(e.code))}: ${safe(e.message)}\n`);
  if (e.wechatpay) {
    rt.stderr.write(
      `  WeChat Pay: HTTP ${e.wechatpay.status} ${safe(e.wechatpay.code)}: ${safe(e.wechatpay.message)}\n`,
    );
    if (e.wechatpay.detail !== undefined) rt.stderr.write(`  detail: ${safe(JSON.stringify(e.wechatpay.detail))}\n`);
  }
  if (e.requestId) rt.stderr.write(`  Request-ID: ${safe(e.requestId)}\n`);
  rt.stderr.write(`  ${out.color.yellow('hint')}: ${safe(e.hint)}\n`);
  if (verbose && e.cause instanceof Error && e.cause.stack) rt.stderr.write(`${terminalSafe(e.cause.stack)}\n`);
  return e.exitCode;
}
