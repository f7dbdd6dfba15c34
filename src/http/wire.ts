// Wire details of the client's requests and answers: the User-Agent, the request-target with its query,
// the body bytes (a string is sent verbatim, an object serialised once), and parsing an answer's body.

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue> | Array<[string, string]>;

/** `wxpay/<version> (<os>) Node/<version>`; the caller passes the facts, core reads no process state. */
export const userAgentFor = (version: string, os: string, node: string): string =>
  `wxpay/${version} (${os}) Node/${node.replace(/^v/, '')}`;

export function buildTarget(path: string, query?: Query): string {
  const pairs = Array.isArray(query)
    ? query
    : Object.entries(query ?? {})
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)] as [string, string]);
  if (!pairs.length) return path;
  const qs = new URLSearchParams(pairs).toString();
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

export const serializeBody = (body: object | string | undefined): string =>
  body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);

export function parseData(raw: Buffer, contentType: string | undefined): unknown {
  if (!raw.length) return undefined;
  const text = raw.toString('utf8');
  if (contentType?.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
