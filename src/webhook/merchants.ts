// `webhook serve --profiles a,b`: one listener for many merchants. Each merchant's verification keys (its
// PUB_KEY_ID_… and platform-certificate serials) belong to it alone, so the Wechatpay-Serial of a callback names the
// merchant on the shared path; on /notify/<profile> only that profile's keys are tried, so a serial of another
// merchant is unknown there (401). The callback then verifies under the chosen merchant's key alone: one signed by
// merchant A's key but naming B's serial fails as a bad signature, and it decrypts with that merchant's APIv3 key.
import type { KeyObject } from 'node:crypto';
import { WxpayError } from '../protocol/errors.js';
import { lookupKey, type KeyStore } from '../protocol/keys.js';
import { verifyAndDecrypt, type VerifiedNotification } from '../protocol/notification.js';
import { throttledReload } from './key-reload.js';

export interface MerchantKeys {
  profile: string;
  /** The profile's mchid (journalled beside the profile; the decrypted resource's mchid when absent). */
  mchid?: string | undefined;
  keys: KeyStore;
  apiV3Key: KeyObject;
  /** Certificate mode: reads this merchant's platformCertDir again (a rotated certificate). */
  reloadKeys?: (() => Promise<KeyStore>) | undefined;
}

/** The merchant a callback was verified for, as journalled and forwarded. */
export interface MerchantTag {
  profile: string;
  mchid?: string | undefined;
}

export interface MerchantSet {
  has(profile: string): boolean;
  /** What is journalled for a profile named by the path (a rejection there has no verified merchant). */
  tag(profile: string): MerchantTag;
  /** Verifies and decrypts as the merchant `profile` names, or (undefined) as the one owning the callback's serial. */
  verify(
    input: { headers: Record<string, string>; rawBody: Buffer; now: number; windowSeconds?: number | undefined },
    profile?: string,
  ): Promise<{ v: VerifiedNotification; merchant: MerchantTag }>;
}

/** A serial loaded for two profiles would make the shared path's choice a guess: refused at start. */
export function assertOwnSerials(list: readonly MerchantKeys[]): void {
  const owner = new Map<string, string>();
  for (const m of list)
    for (const serial of m.keys.keys()) {
      // Key stores hold serials normalized (createKeyStore), so the same serial is the same string here.
      const other = owner.get(serial);
      if (other !== undefined && other !== m.profile)
        throw new WxpayError('CONFIG_SHARED_SERIAL', `The serial ${serial} is loaded for two profiles`, {
          hint: `Profiles "${other}" and "${m.profile}" both verify with ${serial}; each PUB_KEY_ID_… and platform certificate belongs to one merchant. Fix the publicKeyId / platformCertDir of one of them.`,
        });
      owner.set(serial, m.profile);
    }
}

const unknownSerial = (serial: string | undefined) =>
  new WxpayError('VERIFY_UNKNOWN_SERIAL', `No merchant of this listener verifies with serial ${serial ?? '(none)'}`, {
    hint: 'The Wechatpay-Serial names no key of the profiles this listener serves (or of the profile in the path).',
  });

/** With many merchants, the path /notify/<profile> takes that profile's callbacks. */
export const PROFILE_PATH_PREFIX = '/notify/';

/** The profile of a /notify/<profile> path, when the listener serves it. */
export function routedProfile(merchants: MerchantSet | undefined, url: string): string | undefined {
  if (!merchants || !url.startsWith(PROFILE_PATH_PREFIX)) return undefined;
  const name = url.slice(PROFILE_PATH_PREFIX.length);
  return merchants.has(name) ? name : undefined;
}

export function merchantSet(list: readonly MerchantKeys[], now: () => number): MerchantSet {
  assertOwnSerials(list);
  const byProfile = new Map(list.map((m) => [m.profile, { ...m, reload: throttledReload(m.reloadKeys, now) }]));
  type Entry = NonNullable<ReturnType<typeof byProfile.get>>;
  const owning = (serial: string, among: readonly Entry[]) =>
    among.find((m) => lookupKey(m.keys, serial) !== undefined);

  /** A rotated platform certificate: read the certificate folders again (each at most once a second). */
  async function reloaded(among: readonly Entry[], serial: string): Promise<Entry | undefined> {
    for (const m of among) {
      const fresh = await m.reload?.().catch(() => undefined);
      if (!fresh) continue;
      const others = [...byProfile.values()].filter((o) => o !== m);
      // A reloaded folder that now shares a serial with another merchant keeps its earlier keys.
      if ([...fresh.keys()].some((s) => others.some((o) => lookupKey(o.keys, s) !== undefined))) continue;
      m.keys = fresh;
    }
    return owning(serial, among);
  }

  return {
    has: (profile) => byProfile.has(profile),
    tag(profile) {
      const mchid = byProfile.get(profile)?.mchid;
      return { profile, ...(mchid ? { mchid } : {}) };
    },
    async verify(input, profile) {
      const serial = input.headers['wechatpay-serial'];
      const among = profile === undefined ? [...byProfile.values()] : [byProfile.get(profile)!];
      // No serial at all: the first merchant's verifier names the missing header (VERIFY_MISSING_HEADER).
      const m = serial ? (owning(serial, among) ?? (await reloaded(among, serial))) : among[0];
      if (!m) throw unknownSerial(serial);
      const v = verifyAndDecrypt({
        headers: input.headers,
        rawBody: input.rawBody,
        keys: m.keys,
        apiV3Key: m.apiV3Key,
        now: input.now,
        ...(input.windowSeconds !== undefined ? { windowSeconds: input.windowSeconds } : {}),
      });
      const mchid = m.mchid ?? (typeof v.resource.mchid === 'string' ? v.resource.mchid : undefined);
      return { v, merchant: { profile: m.profile, ...(mchid ? { mchid } : {}) } };
    },
  };
}
