// Merchant configuration: the rc file (discovery.ts), profiles, env and flag overrides, resolved once and frozen.
// Precedence: flags > env > rc profile > defaults. The rc holds paths and env:/file: references, never keys.
import path from 'node:path';
import { findConfigFile } from './discovery.js';
import { refuseForeignDatabase, refuseForeignHost, refuseSplitSources } from './trust.js';
import { WxpayError } from '../protocol/errors.js';
import { DEFAULT_BASE_URL } from '../protocol/hosts.js';

export { findConfigFile, SEARCH_PLACES, USER_PLACES, type FoundConfig } from './discovery.js';
export { OFFICIAL_API_HOSTS, ROUTING_FIELDS, describeSource, foreignApiHost } from './trust.js';
export { DEFAULT_BASE_URL, BACKUP_BASE_URL } from '../protocol/hosts.js';
export const PROFILE_FIELDS = [
  'mchid',
  'appid',
  'serialNo',
  'privateKeyPath',
  'merchantCertPath',
  'apiV3Key',
  'publicKeyId',
  'publicKeyPath',
  'platformCertDir',
  'baseUrl',
  'notifyUrl',
  'ledger',
  'store',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export type Profile = Partial<Record<ProfileField, string>>;

export const ENV_VARS: Record<ProfileField, string> = {
  mchid: 'WXPAY_MCHID',
  appid: 'WXPAY_APPID',
  serialNo: 'WXPAY_SERIAL_NO',
  privateKeyPath: 'WXPAY_PRIVATE_KEY_PATH',
  merchantCertPath: 'WXPAY_MERCHANT_CERT_PATH',
  apiV3Key: 'WXPAY_APIV3_KEY',
  publicKeyId: 'WXPAY_PUBLIC_KEY_ID',
  publicKeyPath: 'WXPAY_PUBLIC_KEY_PATH',
  platformCertDir: 'WXPAY_PLATFORM_CERT_DIR',
  baseUrl: 'WXPAY_BASE_URL',
  notifyUrl: 'WXPAY_NOTIFY_URL',
  ledger: 'WXPAY_LEDGER',
  store: 'WXPAY_STORE',
};

const PATH_FIELDS: ReadonlySet<ProfileField> = new Set([
  'privateKeyPath',
  'merchantCertPath',
  'publicKeyPath',
  'platformCertDir',
]);

/** Where the APIv3 key comes from. The key itself is only read by credentials.ts, when it is needed. */
export type SecretRef =
  { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'value'; from: string };

export interface ResolvedProfile {
  readonly name: string;
  readonly configPath: string | undefined;
  /** The rc file was named (--config / WXPAY_CONFIG) rather than found by searching. */
  readonly configExplicit: boolean;
  readonly mchid?: string;
  readonly appid?: string;
  readonly serialNo?: string;
  readonly privateKeyPath?: string;
  readonly merchantCertPath?: string;
  readonly apiV3Key?: SecretRef;
  readonly publicKeyId?: string | undefined;
  readonly publicKeyPath?: string | undefined;
  readonly platformCertDir?: string | undefined;
  readonly baseUrl: string;
  readonly notifyUrl?: string;
  /** PostgreSQL URLs (may hold a password: shown redacted): batches' shared ledger; webhooks' shared store. */
  readonly ledger?: string;
  readonly store?: string;
  /** Per field: 'flag', 'env:NAME', the rc file path, or 'default'. */
  readonly sources: Readonly<Partial<Record<ProfileField, string>>>;
  readonly profileNames: readonly string[];
}

export interface LoadConfigInput {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** --config, else WXPAY_CONFIG. */
  configFile?: string;
  /** --profile, else WXPAY_PROFILE, else the rc's defaultProfile, else 'default'. */
  profile?: string;
  /** Values from command-line flags. Never the APIv3 key. */
  flags?: Profile;
  /** The current user, for the ownership check of a discovered file; default: the process's user. */
  uid?: number;
}

const invalid = (message: string, hint: string) => new WxpayError('CONFIG_INVALID', message, { hint });

function pickProfiles(config: unknown, file: string): { profiles: Record<string, Profile>; defaultProfile?: string } {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw invalid(
      `${file} must hold an object`,
      'Use {"defaultProfile": "prod", "profiles": {"prod": {...}}} or a flat profile object.',
    );
  }
  const obj = config as Record<string, unknown>;
  if ('profiles' in obj) {
    const profiles = obj.profiles;
    if (profiles === null || typeof profiles !== 'object' || Array.isArray(profiles))
      throw invalid(`${file}: "profiles" must be an object`, 'Map each profile name to its fields.');
    const defaultProfile = obj.defaultProfile;
    if (defaultProfile !== undefined && typeof defaultProfile !== 'string')
      throw invalid(`${file}: "defaultProfile" must be a string`, 'Name one of the profiles.');
    const out: Record<string, Profile> = {};
    for (const [name, p] of Object.entries(profiles as Record<string, unknown>))
      out[name] = checkProfile(p, `${file} profile "${name}"`);
    return defaultProfile === undefined ? { profiles: out } : { profiles: out, defaultProfile };
  }
  return { profiles: { default: checkProfile(obj, file) } };
}

function checkProfile(p: unknown, where: string): Profile {
  if (p === null || typeof p !== 'object' || Array.isArray(p))
    throw invalid(`${where} must be an object`, 'A profile maps field names to strings.');
  const out: Profile = {};
  for (const [k, v] of Object.entries(p as Record<string, unknown>)) {
    if (!(PROFILE_FIELDS as readonly string[]).includes(k)) {
      throw invalid(
        `${where}: unknown field "${k}"`,
        `Known fields: ${PROFILE_FIELDS.join(', ')} (spelled exactly so).`,
      );
    }
    if (typeof v !== 'string' && typeof v !== 'number')
      throw invalid(`${where}: "${k}" must be a string`, 'Quote the value.');
    out[k as ProfileField] = String(v);
  }
  return out;
}

/** rc files may only reference the APIv3 key; env may hold it (env is a fine place for a secret). */
function secretRef(value: string, origin: 'rc' | 'env' | 'flag', baseDir: string, where: string): SecretRef {
  if (value.startsWith('env:')) return { kind: 'env', name: value.slice(4) };
  if (value.startsWith('file:')) return { kind: 'file', path: path.resolve(baseDir, value.slice(5)) };
  if (origin === 'env') return { kind: 'value', from: where };
  throw new WxpayError('CONFIG_LITERAL_SECRET', `${where} holds a literal APIv3 key; it is refused`, {
    hint: 'Move the key out of the rc file: write it to a file with mode 0600 and set "apiV3Key": "file:./apiv3.key", or export it and set "apiV3Key": "env:WXPAY_APIV3_KEY".',
  });
}

export async function loadConfig(input: LoadConfigInput): Promise<ResolvedProfile> {
  const found = await findConfigFile(input);
  const { profiles, defaultProfile } = found
    ? pickProfiles(found.config, found.filepath)
    : { profiles: {} as Record<string, Profile>, defaultProfile: undefined };
  // An empty WXPAY_PROFILE (`export WXPAY_PROFILE=`) means unset, not a profile named "".
  const envProfile = input.env.WXPAY_PROFILE || undefined;
  const name =
    input.profile ??
    envProfile ??
    defaultProfile ??
    (profiles.default || !Object.keys(profiles).length ? 'default' : Object.keys(profiles)[0]!);
  const fromRc = profiles[name];
  if (found && !fromRc && (input.profile ?? envProfile ?? defaultProfile)) {
    throw new WxpayError('CONFIG_INVALID', `Profile "${name}" is not in ${found.filepath}`, {
      hint: `Known profiles: ${Object.keys(profiles).join(', ') || 'none'}. Pick one with --profile or WXPAY_PROFILE.`,
    });
  }
  const rcDir = found ? path.dirname(found.filepath) : input.cwd;
  const values: Record<string, unknown> = {};
  const sources: Partial<Record<ProfileField, string>> = {};
  for (const field of PROFILE_FIELDS) {
    const layers: Array<[string | undefined, 'flag' | 'env' | 'rc', string, string]> = [
      [input.flags?.[field], 'flag', input.cwd, 'flag'],
      [input.env[ENV_VARS[field]] || undefined, 'env', input.cwd, `env:${ENV_VARS[field]}`],
      [fromRc?.[field], 'rc', rcDir, found?.filepath ?? ''],
    ];
    const hit = layers.find(([v]) => v !== undefined && v !== '');
    if (!hit) continue;
    const [raw, origin, base, source] = hit as [string, 'flag' | 'env' | 'rc', string, string];
    sources[field] = source;
    if (field === 'apiV3Key')
      values[field] = Object.freeze(
        secretRef(raw, origin, base, origin === 'rc' ? `${source} (profile "${name}")` : source),
      );
    else values[field] = PATH_FIELDS.has(field) ? path.resolve(base, raw) : raw;
  }
  refuseSplitSources(found, sources);
  refuseForeignHost(found, sources, values.baseUrl);
  for (const db of ['store', 'ledger'] as const) refuseForeignDatabase(found, sources, db, values[db]);
  if (values.baseUrl === undefined) {
    values.baseUrl = DEFAULT_BASE_URL;
    sources.baseUrl = 'default';
  }
  values.baseUrl = String(values.baseUrl).replace(/\/+$/, '');
  return Object.freeze({
    ...(values as object),
    name,
    configPath: found?.filepath,
    configExplicit: found?.explicit ?? false,
    sources: Object.freeze(sources),
    profileNames: Object.freeze(Object.keys(profiles)),
  }) as ResolvedProfile;
}
