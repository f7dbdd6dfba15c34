// Everything one sandbox instance owns: its keys, state, clock (with the admin skew), the response signer
// choice per mode, faults, stats, timers and the notifier. No globals: two sandboxes in one process are independent.
import type { KeyObject } from 'node:crypto';
import type { SandboxKeys, SandboxMode } from './keyset.js';
import type { FaultSet } from './faults.js';
import type { NonceLedger } from './nonces.js';
import type { Notifier } from './notifier.js';
import type { SignPool } from './sign-pool.js';
import type { SandboxState } from './state.js';
import { isPublicKeyId } from '../protocol/serials.js';

export interface SigningKey {
  serial: string;
  privateKey: KeyObject;
}

export interface RequestLogEntry {
  time: string;
  method: string;
  url: string;
  route: string;
  status: number;
  code?: string;
  ms: number;
  requestId: string;
}

export interface SandboxContext {
  keys: SandboxKeys;
  mode: SandboxMode;
  state: SandboxState;
  faults: FaultSet;
  notifier: Notifier;
  /** Sandbox time in ms, including the /sandbox/clock skew. */
  now(): number;
  clockOffsetMs: number;
  /** `sandbox serve --clock`: how far ahead (or back) of now() the bill calendar runs, i.e. which days' bills exist. */
  billClockOffsetMs: number;
  /** Platform serial chosen by /sandbox/sign-with; undefined = the newest. */
  signWith?: string | undefined;
  autoPayMs?: number;
  /** Delay before a PROCESSING refund succeeds by itself; negative = never (use the admin API). */
  autoRefundMs: number;
  /** Refunds of one order must be this far apart (production: 60 s); 0 turns the rule off. */
  refundSpacingMs: number;
  timeScale: number;
  stats: Map<string, number>;
  counter: number;
  mixedToggle: number;
  /** nonce_str values accepted in the last 5 minutes (a replay is refused). */
  nonces: NonceLedger;
  /** A fresh Wechatpay-Nonce for each signed answer (protocol/nonce.ts createNonceSource). */
  nonce(): string;
  /** Worker threads that sign responses; absent = sign on the event loop. */
  signPool?: SignPool;
  /** setTimeout that the sandbox cancels on close. */
  later(ms: number, fn: () => void): void;
}

/** The platform key currently used for signing (cert mode), honouring /sandbox/sign-with. */
export function currentPlatformKey(ctx: SandboxContext): SigningKey {
  const list = ctx.keys.platform;
  const chosen = (ctx.signWith && list.find((p) => p.serial === ctx.signWith)) || list[list.length - 1]!;
  return { serial: chosen.serial, privateKey: chosen.privateKey };
}

const publicKeySigner = (ctx: SandboxContext): SigningKey => ({
  serial: ctx.keys.publicKeyId,
  privateKey: ctx.keys.publicKeyPrivate,
});

/**
 * cert: the platform certificate key; pubkey: the WeChat Pay public-key pair; mixed: the public key when the
 * request asked for it with `Wechatpay-Serial: PUB_KEY_ID_…`, otherwise alternately either (a merchant mid-migration).
 */
export function chooseSigner(ctx: SandboxContext, requestSerial?: string): SigningKey {
  if (ctx.mode === 'cert') return currentPlatformKey(ctx);
  if (ctx.mode === 'pubkey') return publicKeySigner(ctx);
  if (requestSerial && isPublicKeyId(requestSerial)) return publicKeySigner(ctx);
  ctx.mixedToggle += 1;
  return ctx.mixedToggle % 2 === 1 ? currentPlatformKey(ctx) : publicKeySigner(ctx);
}

/** Serials the merchant may send as a request `Wechatpay-Serial` in this mode. */
export function knownWechatpaySerials(ctx: Pick<SandboxContext, 'keys' | 'mode'>): string[] {
  const certs = ctx.keys.platform.map((p) => p.serial);
  if (ctx.mode === 'cert') return certs;
  if (ctx.mode === 'pubkey') return [ctx.keys.publicKeyId];
  return [...certs, ctx.keys.publicKeyId];
}
