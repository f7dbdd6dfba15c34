// The one home for HTML escaping in the sandbox's pages (the dashboard and the simulated payer). `html` is a tagged
// template that escapes every interpolated value unless it is already SafeHtml (the result of another `html`), so a
// description, out_trade_no or receiver answer typed by anyone cannot become markup. Attribute values are always
// written in double quotes by the templates, and both quote characters are escaped, so the same escaping is safe there.

/** Markup that is already escaped (built by `html`, or a constant the code wrote). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

/** A value as markup: SafeHtml as is, a list item by item, nothing for null/undefined/false, an object as its JSON,
 *  anything else as its text; all escaped. */
function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return escapeHtml(String(value));
  return escapeHtml(JSON.stringify(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** Trusted markup written by the code itself (a constant stylesheet), never user data. */
export const trusted = (markup: string): SafeHtml => new SafeHtml(markup);
