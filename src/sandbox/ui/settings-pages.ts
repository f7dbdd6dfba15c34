// The Keys page (mode, serials, the public key id, a Rotate button) and the Clock page (sandbox time, its skew, the
// notification time scale, the bill calendar). Only public facts: serials and ids, never a key.
import { clockView } from '../admin-ops.js';
import { currentPlatformKey, type SandboxContext } from '../context.js';
import { when } from './format.js';
import { html, type SafeHtml } from './html.js';
import { UI_BASE } from './layout.js';
import { duration } from './notifications-page.js';

export function keysBody(ctx: SandboxContext): SafeHtml {
  // None in a pubkey key set made without a platform certificate (the demo's throwaway folder).
  const signing = ctx.keys.platform.length ? currentPlatformKey(ctx).serial : undefined;
  const serials = ctx.keys.platform.map(
    (p) => html`<li>${p.serial}${p.serial === signing ? html` <strong>(signs now)</strong>` : ''}</li>`,
  );
  return html`<div class="card" id="keys" data-live>
      <dl>
        <dt>Mode</dt>
        <dd>${ctx.mode}</dd>
        <dt>mchid</dt>
        <dd>${ctx.keys.mchid}</dd>
        <dt>appid</dt>
        <dd>${ctx.keys.appid}</dd>
        <dt>Merchant serial</dt>
        <dd>${ctx.keys.merchantSerial}</dd>
        <dt>Platform serials</dt>
        <dd>
          <ul>
            ${serials}
          </ul>
        </dd>
        <dt>Public key id</dt>
        <dd>${ctx.keys.publicKeyId}</dd>
      </dl>
    </div>
    <form method="post" action="${UI_BASE}/keys/rotate">
      <button type="submit">Rotate the platform certificate</button>
    </form>
    <p class="note">
      Rotation adds a new platform certificate and signs with it from then on, as WeChat Pay does before an old one
      expires: your app must fetch it (wxpay certs download) to verify new answers.
    </p>`;
}

export function clockBody(ctx: SandboxContext): SafeHtml {
  const c = clockView(ctx);
  return html`<div class="card" id="clock" data-live>
      <dl>
        <dt>Sandbox time</dt>
        <dd>${when(ctx.now())} (China) · ${c.now}</dd>
        <dt>Skew</dt>
        <dd>${c.offsetSeconds} s</dd>
        <dt>Time scale</dt>
        <dd>${c.timeScale} (the first retry waits ${duration(15_000 / c.timeScale)})</dd>
        <dt>Bill calendar</dt>
        <dd>
          ${c.billClockOffsetSeconds ? `moved by ${c.billClockOffsetSeconds} s (sandbox serve --clock)` : 'today (sandbox serve --clock moves it)'}
        </dd>
      </dl>
    </div>
    <h2>Skew the clock</h2>
    <form method="post" action="${UI_BASE}/clock" class="row">
      <label
        >Offset in seconds<input name="offsetSeconds" inputmode="numeric" required value="${c.offsetSeconds}"
      /></label>
      <button type="submit">Set skew</button>
    </form>
    <p class="note">
      The Date header and signature timestamps move; 300 s or more and your app's signatures are refused.
    </p>
    <h2>Time scale</h2>
    <form method="post" action="${UI_BASE}/clock/time-scale" class="row">
      <label
        >Divide the retry schedule by<input name="timeScale" inputmode="decimal" required value="${c.timeScale}"
      /></label>
      <button type="submit">Set time scale</button>
    </form>
    <p class="note">60 turns the 15 s first retry into 250 ms; it applies from the next retry on.</p>`;
}
