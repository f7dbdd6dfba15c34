// `wxpay sign <METHOD> <URL>`: signs offline and shows the exact message, signature and Authorization header.
import { loadMerchant } from '../config/credentials.js';
import { WxpayError } from '../protocol/errors.js';
import { signRequest, unixSeconds, type SignedRequest } from '../protocol/sign.js';
import { showLineEnds, type Output } from '../render.js';
import type { CommandContext } from '../runtime.js';
import type { SignOptions } from '../cli/sign.js';
import { loadProfile, outputFor, readInput } from '../command-kit/shared.js';
import {
  chooseTimestampNonce,
  explainInput,
  readExplainInput,
  serverValuesLine,
  type ValueSource,
} from '../command-kit/sign-explain.js';
import { newNonce } from '../protocol/nonce.js';

export async function run(ctx: CommandContext<SignOptions>): Promise<void> {
  const [method, url] = ctx.args as [string, string];
  const { opts, rt } = ctx;
  checkUsage(method, opts);
  const body =
    opts.bodyFile !== undefined
      ? (await readInput(rt, opts.bodyFile, 'body file')).toString('utf8')
      : (opts.body ?? '');
  const input =
    opts.explain !== undefined
      ? readExplainInput((await readInput(rt, opts.explain, 'SIGN_ERROR response')).toString('utf8'))
      : undefined;
  const profile = await loadProfile(ctx);
  const merchant = await loadMerchant(profile);
  const chosen = chooseTimestampNonce(opts, input);
  const signed = signRequest(merchant, {
    method,
    url,
    body,
    timestamp: chosen.timestamp.value ?? unixSeconds(rt.now()),
    nonce: chosen.nonce.value ?? newNonce(),
  });
  const sources = { timestamp: chosen.timestamp.from, nonce: chosen.nonce.from };
  const explanation =
    input && (await explainInput(ctx, profile, { ...signed, serialNo: merchant.serialNo }, input, sources));
  const out = outputFor(ctx);
  out.note(liveWarning(Number(signed.timestamp)));
  if (out.json) {
    out.data({ ...signed, ...(explanation ? { explain: explanation } : {}) });
    return;
  }
  printText(out, signed, explanation, sources);
}

/** WeChat Pay accepts a request for 5 minutes after its timestamp (docs/protocol.md §1): a signature printed here is live. */
function liveWarning(timestamp: number): string {
  const until = new Date((timestamp + 300) * 1000).toISOString().replace('.000Z', 'Z');
  return `note: this signature is valid for 5 minutes after its timestamp (until ${until}); anyone who has it can replay this exact request until then, so keep it out of tickets and chats`;
}

/** Usage mistakes caught before any key is read. */
function checkUsage(method: string, opts: SignOptions): void {
  if (opts.body !== undefined && opts.bodyFile !== undefined) {
    throw new WxpayError('USAGE', 'Give --body or --body-file, not both', {
      hint: 'Use --body-file - to read the body from stdin.',
    });
  }
  if (opts.bodyFile === '-' && opts.explain === '-') {
    throw new WxpayError('USAGE', 'Only one of --body-file and --explain can read stdin', {
      hint: 'Save the SIGN_ERROR body to a file and pass --explain <file>.',
    });
  }
  if (!/^[A-Za-z]+$/.test(method))
    throw new WxpayError('USAGE', `"${method}" is not an HTTP method`, {
      hint: 'Use GET, POST, PUT, PATCH or DELETE.',
    });
  if (opts.timestamp !== undefined && !/^\d{10}$/.test(opts.timestamp)) {
    throw new WxpayError('USAGE', `--timestamp must be 10-digit Unix seconds, got "${opts.timestamp}"`, {
      hint: 'Milliseconds are a common mistake: divide by 1000.',
    });
  }
}

/** The human output: the exact message (line ends shown), the signature, the header, then what --explain found. */
function printText(
  out: Output,
  signed: SignedRequest,
  explanation: Awaited<ReturnType<typeof explainInput>> | undefined,
  sources: { timestamp: ValueSource; nonce: ValueSource },
): void {
  const c = out.color;
  out.line(c.bold('Message to sign') + c.dim(' (↵ = LF)'));
  out.line(showLineEnds(signed.message).replace(/\n$/, ''));
  out.line();
  out.table([
    ['bytes', String(Buffer.byteLength(signed.message))],
    ['signature', signed.signature],
  ]);
  out.line();
  out.line(c.bold('Authorization'));
  out.line(signed.authorization);
  if (explanation) {
    out.line();
    out.line(c.bold('SIGN_ERROR explained'));
    const fromServer = serverValuesLine(signed.timestamp, signed.nonce, sources);
    if (fromServer && !('field' in explanation)) out.line(fromServer);
    if ('firstDifference' in explanation && explanation.firstDifference >= 0)
      out.line(`first difference at byte ${explanation.firstDifference} (${explanation.line} line)`);
    for (const f of explanation.findings) out.line(`- ${f}`);
  }
}
