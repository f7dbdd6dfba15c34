// Pre-signed requests for the throughput benches, so the load generator spends no RSA time while measuring.
// The sandbox refuses a nonce it has seen in the last 5 minutes (issue 12), so each is sent once. The pool is
// sized from this machine's signing speed: `sandbox serve` signs every answer with RSA-2048, at most min(4, cores)
// at once, so it cannot answer faster than that many signers; the pool holds that many seconds' worth plus
// 20%, and a run that still empties it simply ends early (its rate is over the time it ran).
import os from 'node:os';

/** `sign()` returns one request's headers with a fresh nonce; `seconds` is how long all runs together last. */
export function presignedPool(sign, seconds) {
  const probe = 200;
  const pool = [];
  const t0 = performance.now();
  for (let i = 0; i < probe; i++) pool.push(sign());
  const perSecond = probe / ((performance.now() - t0) / 1000);
  const signers = Math.min(4, os.availableParallelism());
  const size = Math.ceil(perSecond * signers * seconds * 1.2);
  while (pool.length < size) pool.push(sign());
  let next = 0;
  return { size: pool.length, take: () => pool[next++] };
}
