// What the demo's steps share: the settings the command chooses, the order's numbers, and a step's shape.
import { randomBytes } from 'node:crypto';
import type { SandboxMode } from '../sandbox/keyset.js';
import type { DemoWorld } from './env.js';

export interface DemoSettings {
  mode: SandboxMode;
  /** How the hand-run commands name the rc file (relative to the user's folder when inside it). */
  rcShown: string;
  dirShown: string;
  /** Renders code_url as a terminal QR code (only asked for on a TTY). */
  qr?: (text: string) => Promise<string>;
  notifyTimeoutMs: number;
}

export interface StepOutcome {
  detail: string[];
  command: string;
  /** Extra text shown under the step (the QR code). */
  block?: string;
}

export interface DemoStep {
  title: string;
  run(world: DemoWorld, s: DemoState, set: DemoSettings): Promise<StepOutcome>;
}

export interface DemoState {
  outTradeNo: string;
  outRefundNo: string;
  total: number;
  refund: number;
}

export function newDemoState(): DemoState {
  const tag = `${Date.now()}${randomBytes(2).toString('hex').toUpperCase()}`;
  return { outTradeNo: `DEMO${tag}`, outRefundNo: `DEMOR${tag}`, total: 100, refund: 30 };
}
