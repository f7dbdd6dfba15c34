// `sign --explain`'s part of the command: reads the saved error in whichever form the user has, picks the
// timestamp and nonce to sign with (flags, else the server's own from sign_information), and builds the diagnosis:
// a message comparison for "sign not match", or the serials involved for a serial_no SIGN_ERROR.
import { readFile } from '../files/fs-callbacks.js';
import path from 'node:path';
import type { ResolvedProfile } from '../config/config.js';
import { WxpayError } from '../protocol/errors.js';
import { parseCertificate } from '../protocol/keys.js';
import { readSignErrorInput, type SignErrorInput } from '../diagnostics/sign-error-input.js';
import { explainSerialError } from '../diagnostics/serial-explain.js';
import {
  explainSignError,
  serverTimestampNonce,
  signErrorField,
  signInformationOf,
} from '../diagnostics/sign-explain.js';
import type { CommandContext } from '../runtime.js';

export type ValueSource = 'flag' | 'sign_information' | 'generated';

export function readExplainInput(text: string): SignErrorInput {
  const input = readSignErrorInput(text);
  if (!input) {
    throw new WxpayError('USAGE', 'The SIGN_ERROR response is not in a form --explain reads', {
      hint: 'Pass the 401 body WeChat Pay returned, the stderr of `wxpay --json <command> 2> err.json`, or of `wxpay --verbose <command> 2> log.txt`.',
    });
  }
  return input;
}

/** The timestamp and nonce to sign with: the flags, else the ones the server rebuilt (so only real differences show). */
export function chooseTimestampNonce(opts: { timestamp?: string; nonce?: string }, input: SignErrorInput | undefined) {
  const info = input ? signInformationOf(input.body) : undefined;
  const server = info ? serverTimestampNonce(info) : {};
  const pick = (flag: string | undefined, fromServer: string | undefined): { value?: string; from: ValueSource } =>
    flag !== undefined
      ? { value: flag, from: 'flag' }
      : fromServer !== undefined
        ? { value: fromServer, from: 'sign_information' }
        : { from: 'generated' };
  return { timestamp: pick(opts.timestamp, server.timestamp), nonce: pick(opts.nonce, server.nonce) };
}

export async function explainInput(
  ctx: CommandContext,
  profile: ResolvedProfile,
  signed: { method: string; url: string; message: string; serialNo: string },
  input: SignErrorInput,
  sources: { timestamp: ValueSource; nonce: ValueSource },
) {
  // detail.field names it where the answer has one; the message ("商户证书序列号有误…") otherwise.
  if (signErrorField(input.body) === 'serial_no' || /证书序列号/.test(input.body.message ?? '')) {
    const value = input.body.detail?.value;
    const requestSerial = typeof value === 'string' ? value : input.sent?.serial_no;
    return explainSerialError({
      ...(requestSerial !== undefined ? { requestSerial } : {}),
      profileSerial: signed.serialNo,
      ...(await certificateSerial(ctx, profile)),
      configCheck: [
        'wxpay',
        ...(ctx.opts.config ? ['--config', ctx.opts.config] : []),
        ...(ctx.opts.profile ? ['--profile', ctx.opts.profile] : []),
        'config check',
      ].join(' '),
    });
  }
  const info = signInformationOf(input.body);
  if (!info) {
    throw new WxpayError('USAGE', `The ${input.body.code ?? 'error'} response has no detail.sign_information`, {
      hint: 'Only a "sign not match" or serial_no SIGN_ERROR can be explained; for a timestamp SIGN_ERROR check the clock with `wxpay smoke`.',
    });
  }
  return { ...explainSignError(signed, info), timestampFrom: sources.timestamp, nonceFrom: sources.nonce };
}

async function certificateSerial(
  ctx: CommandContext,
  profile: ResolvedProfile,
): Promise<{ certificateSerial?: string }> {
  if (!profile.merchantCertPath) return {};
  try {
    const file = path.resolve(ctx.rt.cwd, profile.merchantCertPath);
    return { certificateSerial: parseCertificate(await readFile(file), 'merchant certificate').serial };
  } catch {
    return {}; // `config check` reports an unreadable certificate; the diagnosis goes on without it
  }
}

/** The line that says which values came from the server. */
export function serverValuesLine(
  timestamp: string,
  nonce: string,
  sources: { timestamp: ValueSource; nonce: ValueSource },
): string | undefined {
  const shown = [
    sources.timestamp === 'sign_information' ? `timestamp ${timestamp}` : '',
    sources.nonce === 'sign_information' ? `nonce ${nonce}` : '',
  ].filter(Boolean);
  if (!shown.length) return undefined;
  return `${shown.join(' and ')} ${shown.length > 1 ? 'are' : 'is'} the server's (from sign_information), so only real differences show; --timestamp and --nonce override.`;
}
