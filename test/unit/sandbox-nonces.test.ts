// The sandbox's seen-nonce memory (issue 12): a nonce is refused while it could still pass the ±300 s window, then
// forgotten; the memory never holds more than its cap, whatever a flood of signed requests sends.
import { describe, expect, it } from 'vitest';
import { NonceLedger } from '../../src/sandbox/nonces.js';

const WINDOW = 300_000;
const T0 = 1_800_000_000_000;

describe('NonceLedger', () => {
  it('refuses a nonce seen within the window, per mchid', () => {
    const l = new NonceLedger(WINDOW, 100);
    expect(l.remember('1900000001', 'N1', T0, T0)).toBe(true);
    expect(l.remember('1900000001', 'N1', T0 + 1_000, T0)).toBe(false);
    expect(l.remember('1900000001', 'N1', T0 + WINDOW - 1, T0 + 5_000)).toBe(false);
    expect(l.remember('1900000002', 'N1', T0 + 1_000, T0)).toBe(true);
    // mchid and nonce are not glued into one ambiguous string
    expect(l.remember('19000000011', 'N', T0, T0)).toBe(true);
    expect(l.remember('1900000001', '1N', T0, T0)).toBe(true);
  });

  it('forgets a nonce once its window is over, and frees the memory', () => {
    const l = new NonceLedger(WINDOW, 100);
    for (let i = 0; i < 50; i++) l.remember('1900000001', `N${i}`, T0 + i, T0);
    expect(l.size).toBe(50);
    expect(l.remember('1900000001', 'N49', T0 + WINDOW + 48, T0)).toBe(false);
    expect(l.size).toBe(1);
    expect(l.remember('1900000001', 'N0', T0 + WINDOW + 49, T0)).toBe(true);
    expect(l.size).toBe(1);
  });

  it('keeps a nonce as long as its timestamp (up to 300 s ahead) can still pass the window', () => {
    const l = new NonceLedger(WINDOW, 100);
    expect(l.remember('1900000001', 'AHEAD', T0, T0 + 299_000)).toBe(true);
    expect(l.remember('1900000001', 'AHEAD', T0 + WINDOW + 200_000, T0 + 299_000)).toBe(false);
    expect(l.remember('1900000001', 'AHEAD', T0 + WINDOW + 299_000, T0 + 299_000)).toBe(true);
  });

  it('never holds more than its cap: a flood pushes out the oldest entries', () => {
    const l = new NonceLedger(WINDOW, 1_000);
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      l.remember('1900000001', `F${i}`, T0, T0);
      largest = Math.max(largest, l.size);
    }
    expect(largest).toBe(1_000);
    expect(l.size).toBe(1_000);
    expect(l.remember('1900000001', 'F9999', T0, T0)).toBe(false);
    expect(l.remember('1900000001', 'F0', T0, T0)).toBe(true);
  });

  it('tells long nonces apart (it keeps digests, so a 16 KB nonce costs what a short one does)', () => {
    const l = new NonceLedger(WINDOW, 10);
    const long = 'x'.repeat(16_000);
    expect(l.remember('1900000001', long, T0, T0)).toBe(true);
    expect(l.remember('1900000001', `${long}y`, T0, T0)).toBe(true);
    expect(l.remember('1900000001', long, T0, T0)).toBe(false);
    expect(l.size).toBe(2);
  });

  it('refuses a replay on both sides of the length where a nonce is kept as a digest (64 characters)', () => {
    const l = new NonceLedger(WINDOW, 10);
    for (const n of ['a'.repeat(63), 'a'.repeat(64), 'a'.repeat(65), 'b'.repeat(200)]) {
      expect(l.remember('1900000001', n, T0, T0)).toBe(true);
      expect(l.remember('1900000001', n, T0 + 1, T0)).toBe(false);
      expect(l.remember('1900000002', n, T0 + 1, T0)).toBe(true);
    }
    expect(l.size).toBe(8);
  });
});
