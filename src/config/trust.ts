// What a discovered rc file may decide (issue 12 §3-4): a file found by searching, rather than named, may not
// route requests signed with a key from elsewhere, nor send signed requests to a host that is neither WeChat Pay's
// nor this machine's, nor name a webhook store on another machine. config.ts applies these once the profile's
// fields and their sources are known.
import type { FoundConfig } from './discovery.js';
import type { ProfileField } from './config.js';
import { WxpayError } from '../protocol/errors.js';
import { OFFICIAL_API_HOSTS } from '../protocol/hosts.js';

export { OFFICIAL_API_HOSTS };

/** The host of a base URL that is neither an official API host nor this machine (the sandbox), else undefined. */
export function foreignApiHost(baseUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return undefined; // not a URL: the client reports that
  }
  return isLoopback(host) || OFFICIAL_API_HOSTS.includes(host.replace(/\.$/, '')) ? undefined : host;
}

// Exactly `localhost`: `x.localhost` and `localhost.` are not in /etc/hosts, so the resolver asks DNS, which can
// answer with any address. (The URL parser already turned 127.1, 0x7f.1 and [0::1] into 127.0.0.1 and ::1.)
const isLoopback = (host: string) => host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';

/** Fields that decide where signed requests go and which key verifies the answers. */
export const ROUTING_FIELDS = ['baseUrl', 'publicKeyId', 'publicKeyPath', 'platformCertDir'] as const;

export function describeSource(source: string): string {
  if (source === 'flag') return 'a command-line flag';
  if (source.startsWith('env:')) return `the environment (${source.slice(4)})`;
  return source;
}

/**
 * A discovered file that routes requests or picks the verification key must also hold the merchant key. Else a
 * package.json in a cloned repository could send requests signed with the key from WXPAY_PRIVATE_KEY_PATH to its
 * own host and answer them signed with its own key. The APIv3 key may still come from the environment.
 */
export function refuseSplitSources(
  found: FoundConfig | undefined,
  sources: Partial<Record<ProfileField, string>>,
): void {
  const keyFrom = sources.privateKeyPath;
  if (!found || found.explicit || keyFrom === undefined || keyFrom === found.filepath) return;
  const routed = ROUTING_FIELDS.filter((f) => sources[f] === found.filepath);
  if (!routed.length) return;
  throw new WxpayError(
    'CONFIG_SPLIT_SOURCES',
    `${found.filepath} sets ${routed.join(', ')}, but the merchant private key (privateKeyPath) comes from ${describeSource(keyFrom)}`,
    {
      hint: `A file found by searching may not choose where requests signed with a key from elsewhere go. If you trust it, pass --config ${found.filepath}; or put privateKeyPath and ${routed.join(', ')} in one place.`,
      details: { file: found.filepath, privateKeyPath: keyFrom, fields: routed },
    },
  );
}

/**
 * A discovered file may send signed requests only to WeChat Pay or this machine (the sandbox). A file that holds its
 * own privateKeyPath passes refuseSplitSources, and a cloned repository can guess where the key lives: with its own
 * baseUrl it would get requests signed with the real key, which it can replay to WeChat Pay within 5 minutes.
 * Another host is for the user to say: --config / WXPAY_CONFIG, --base-url or WXPAY_BASE_URL.
 */
export function refuseForeignHost(
  found: FoundConfig | undefined,
  sources: Partial<Record<ProfileField, string>>,
  baseUrl: unknown,
): void {
  if (!found || found.explicit || sources.baseUrl !== found.filepath) return;
  const host = foreignApiHost(String(baseUrl));
  if (!host) return;
  throw new WxpayError(
    'CONFIG_FOREIGN_HOST',
    `${found.filepath} sends requests signed with your merchant key to ${host}, which is neither a WeChat Pay API host nor this machine`,
    {
      hint: `A file found by searching may only use ${OFFICIAL_API_HOSTS.join(', ')} or loopback. If you trust it, pass --config ${found.filepath} (or WXPAY_CONFIG); or give the host with --base-url or WXPAY_BASE_URL.`,
      details: { file: found.filepath, host },
    },
  );
}

const decoded = (h: string) => {
  try {
    return decodeURIComponent(h); // `%2Frun%2Fpostgresql` is a socket folder, as node-postgres reads it
  } catch {
    return h;
  }
};

/** The hosts a postgres:// URL makes node-postgres connect to that are not this machine: its host, and a `host` or
 *  `hostaddr` query parameter (which take precedence over it). An empty host or a /socket path is local. */
export function foreignStoreHosts(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return []; // not a URL: opening the store reports that
  }
  const hosts = [u.hostname, ...u.searchParams.getAll('host'), ...u.searchParams.getAll('hostaddr')];
  return hosts
    .flatMap((h) => h.split(','))
    .map((h) =>
      decoded(h)
        .toLowerCase()
        .replace(/^\[|\]$/g, ''),
    )
    .filter((h) => h !== '' && !h.startsWith('/') && !isLoopback(h));
}

/** What each database field is for, and how the user names one of their own instead. */
const DATABASES = {
  store: { what: 'webhook store', own: '--store or WXPAY_STORE' },
  ledger: { what: 'batch ledger', own: '--ledger or WXPAY_LEDGER' },
} as const;

/**
 * A discovered file may name a database (the webhook store, the batch ledger) on this machine only. Neither holds a
 * key, but `webhook serve` signs what the store's outbox holds with the forward secret and `notify replay --store
 * --forward` signs what its events hold, so a cloned repository naming its own database could have forged events
 * signed for your app (and would receive every decrypted callback). The ledger decides whether a refund or transfer
 * was already made: a foreign one could let a batch pay twice. Another host is for the user to say: the flag, the
 * environment variable, or --config / WXPAY_CONFIG.
 */
export function refuseForeignDatabase(
  found: FoundConfig | undefined,
  sources: Partial<Record<ProfileField, string>>,
  field: keyof typeof DATABASES,
  url: unknown,
): void {
  if (!found || found.explicit || typeof url !== 'string' || sources[field] !== found.filepath) return;
  const hosts = foreignStoreHosts(url);
  if (!hosts.length) return;
  const { what, own } = DATABASES[field];
  throw new WxpayError(
    'CONFIG_FOREIGN_HOST',
    `${found.filepath} names a ${what} on ${hosts.join(', ')}, which is not this machine`,
    {
      hint: `A file found by searching may only name a ${what} on loopback. If you trust it, pass --config ${found.filepath} (or WXPAY_CONFIG); or give it with ${own}.`,
      details: { file: found.filepath, hosts },
    },
  );
}
