// `wxpay notify decrypt (--capture <file|-> | --http <file> | --resource <json>) [--no-verify]`: verifies, then
// opens resource with the APIv3 key and prints the event with the decrypted transaction or refund. A tag failure
// names the likely cause (wrong APIv3 key, changed nonce/AAD, truncated ciphertext) and exits 7.
import { loadApiV3Key, loadVerifierKeys } from '../config/credentials.js';
import { WxpayError, isWxpayError } from '../protocol/errors.js';
import { diagnoseDecrypt } from '../diagnostics/notify-explain.js';
import {
  decryptResource,
  parseNotification,
  type NotificationEvent,
  type NotificationResource,
} from '../protocol/notification.js';
import { verifySignature } from '../protocol/verify.js';
import type { CommandContext } from '../runtime.js';
import type { NotifyDecryptOptions } from '../cli/notify.js';
import { nowSeconds, readOneCapture } from '../command-kit/notify-input.js';
import { loadProfile, outputFor, parseJson, readInput } from '../command-kit/shared.js';

async function readResource(
  ctx: CommandContext<NotifyDecryptOptions>,
  arg: string,
): Promise<{ event?: NotificationEvent; resource: NotificationResource }> {
  const text = arg.trim().startsWith('{') ? arg : (await readInput(ctx.rt, arg, 'resource')).toString('utf8');
  const value = parseJson(text, 'resource');
  if (value && typeof value === 'object' && 'resource' in value) {
    const event = parseNotification(text);
    return { event, resource: event.resource };
  }
  return { resource: parseNotification(JSON.stringify({ id: '-', event_type: '-', resource: value })).resource };
}

export async function run(ctx: CommandContext<NotifyDecryptOptions>): Promise<void> {
  const { opts } = ctx;
  const out = outputFor(ctx);
  const profile = await loadProfile(ctx);
  let event: NotificationEvent | undefined;
  let resource: NotificationResource;
  let verified: boolean | 'skipped' = 'skipped';
  if (opts.resource !== undefined) {
    if (opts.capture !== undefined || opts.http !== undefined)
      throw new WxpayError('USAGE', 'Give --resource, or --capture/--http, not both', {
        hint: '--resource takes the notification body or just its resource object.',
      });
    ({ event, resource } = await readResource(ctx, opts.resource));
    out.note('note: --resource carries no signature; only decryption is checked');
  } else {
    const capture = await readOneCapture(ctx);
    if (!opts.verify) {
      out.warn(
        '--no-verify: the signature is NOT checked. Never act on an unverified callback; use this only to inspect a capture.',
      );
    } else {
      const keys = await loadVerifierKeys(profile);
      verifySignature({ headers: capture.headers, body: capture.body, keys, now: nowSeconds(ctx) });
      verified = true;
    }
    event = parseNotification(capture.body);
    resource = event.resource;
  }
  const apiV3Key = await loadApiV3Key(profile, ctx.rt.env);
  let plain: Record<string, unknown>;
  try {
    plain = decryptResource(resource, apiV3Key);
  } catch (err) {
    if (isWxpayError(err) && err.code === 'DECRYPT_FAILED') {
      const causes = diagnoseDecrypt(resource);
      throw new WxpayError('DECRYPT_FAILED', `AES-256-GCM authentication failed: ${causes[0]}`, {
        cause: err,
        hint: causes.join('; '),
        details: {
          causes,
          nonceBytes: Buffer.byteLength(resource.nonce),
          associated_data: resource.associated_data ?? '',
        },
      });
    }
    throw err;
  }
  const result = event ? { ...event, resource: plain, verified } : { resource: plain, verified };
  if (out.json) out.data(result);
  else {
    if (event)
      out.line(
        out.color.bold(`${event.event_type} ${event.id}`) +
          (verified === true
            ? out.color.green('  (signature verified)')
            : out.color.yellow('  (signature not checked)')),
      );
    out.line(JSON.stringify(plain, null, 2));
  }
}
