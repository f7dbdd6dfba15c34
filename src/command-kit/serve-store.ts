// `webhook serve --store`: opens the PostgreSQL store (pg is loaded only here, so a file-journal listener never
// pays for it) and describes it for the listener. The URL is shown with its password hidden.
import os from 'node:os';
import { WxpayError } from '../protocol/errors.js';
import { redactStoreUrl } from '../protocol/redact.js';
import type { StoreOptions } from '../webhook/store-mode.js';
import { intOption } from './shared.js';

export interface ServeStore {
  options: StoreOptions;
  /** The URL as it may be printed. */
  shown: string;
  close(): Promise<void>;
}

export async function openServeStore(
  url: string,
  mchid: string | undefined,
  flags: { instance?: string | undefined; lease?: string | undefined; storeConnections?: string | undefined },
): Promise<ServeStore> {
  if (!mchid)
    throw new WxpayError('CONFIG_INVALID', 'webhook serve --store needs the merchant id (mchid) of the profile', {
      hint: 'Events are stored under (mchid, event id): set mchid in the profile or WXPAY_MCHID.',
    });
  const lease = intOption(flags.lease, '--lease');
  if (lease === 0) throw new WxpayError('USAGE', '--lease must be at least 1 second', { hint: 'e.g. --lease 30' });
  // Each connection is a backend process on the database server: a fleet of many instances may want fewer each.
  const connections = intOption(flags.storeConnections, '--store-connections');
  if (connections === 0)
    throw new WxpayError('USAGE', '--store-connections must be at least 1', { hint: 'e.g. --store-connections 4' });
  const { openWebhookStore } = await import('../store/open.js');
  const opened = await openWebhookStore(url, connections);
  return {
    options: {
      store: opened.store,
      mchid,
      instance: flags.instance ?? `${os.hostname()}:${process.pid}`,
      ...(lease ? { leaseMs: lease * 1000 } : {}),
    },
    shown: redactStoreUrl(url),
    close: () => opened.close(),
  };
}
