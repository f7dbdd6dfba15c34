// The sandbox pages' one escaper (src/sandbox/ui/html.ts): interpolated values are escaped unless already SafeHtml,
// so text typed by anyone (an order description, a receiver's answer) cannot become markup or leave an attribute.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml, trusted } from '../../src/sandbox/ui/html.js';
import { CONTENT_SECURITY_POLICY, page } from '../../src/sandbox/ui/layout.js';
import { createHash } from 'node:crypto';

describe('escapeHtml', () => {
  it('escapes the five markup characters and the backtick, and nothing else', () => {
    expect(escapeHtml(`<script>alert("x")</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(escapeHtml(`it's a & b \`c\``)).toBe('it&#39;s a &amp; b &#96;c&#96;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('商户订单 T2026-01_x')).toBe('商户订单 T2026-01_x');
  });
});

// Called as h`…`: Prettier reformats templates tagged `html`, and these expectations are byte-exact.
const h = html;

describe('html tagged template', () => {
  it('escapes every interpolated string by default', () => {
    const evil = `"><script>alert(1)</script>`;
    expect(h`<input value="${evil}">`.value).toBe('<input value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">');
    expect(h`<td>${"O'Brien & <b>"}</td>`.value).toBe('<td>O&#39;Brien &amp; &lt;b&gt;</td>');
  });

  it('keeps nested html as markup, escapes list items, renders numbers and drops null/undefined/false', () => {
    const inner = h`<b>${'<i>'}</b>`;
    expect(h`<p>${inner}</p>`.value).toBe('<p><b>&lt;i&gt;</b></p>');
    expect(h`<ul>${['<a>', h`<li>x</li>`]}</ul>`.value).toBe('<ul>&lt;a&gt;<li>x</li></ul>');
    expect(h`${0}|${12.5}|${undefined}|${null}|${false}|${true}`.value).toBe('0|12.5||||true');
  });

  it('a plain string that looks like markup is still escaped; only SafeHtml (trusted) passes', () => {
    expect(h`${'<b>bold</b>'}`.value).toBe('&lt;b&gt;bold&lt;/b&gt;');
    expect(h`${trusted('<b>bold</b>')}`.value).toBe('<b>bold</b>');
    expect(h`x`).toBeInstanceOf(SafeHtml);
    expect(String(h`<i>${'&'}</i>`)).toBe('<i>&amp;</i>');
  });
});

describe('page layout', () => {
  const doc = page({ title: 'Orders <x>', nav: 'orders', live: true, body: html`<p>${'<script>'}</p>` }).value;

  it('is a phone-ready document: viewport meta, language, escaped title, the current menu entry marked', () => {
    expect(doc).toMatch(/^<!doctype html>/);
    expect(doc).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
    expect(doc).toContain('<html lang="en">');
    expect(doc).toContain('<title>Orders &lt;x&gt; · wxpay sandbox</title>');
    expect(doc).toContain('<a href="/sandbox/ui/orders" aria-current="page">Orders</a>');
    expect(doc).toContain('<p>&lt;script&gt;</p>');
    expect(doc).not.toMatch(/https?:\/\//); // nothing from a CDN
  });

  it('the CSP pins exactly the inline stylesheet and script the page carries (by SHA-256)', () => {
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(doc)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(doc)![1]!;
    expect(CONTENT_SECURITY_POLICY).toContain(`style-src ${hash(style)}`);
    expect(CONTENT_SECURITY_POLICY).toContain(`script-src ${hash(script)}`);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("form-action 'self'");
  });

  it('a payer page has no dashboard menu and no script unless it asks', () => {
    const payer = page({ title: 'Pay', nav: 'none', body: html`` }).value;
    expect(payer).not.toContain('<nav');
    expect(payer).not.toContain('<script');
  });
});

describe('html: objects', () => {
  it('an object shows as its JSON, escaped (a notification answer, a payer record)', () => {
    expect(h`${{ a: '<x>' }}`.value).toBe('{&quot;a&quot;:&quot;&lt;x&gt;&quot;}');
  });
});
