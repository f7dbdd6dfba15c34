// Explains a SIGN_ERROR: compares WeChat Pay's detail.sign_information (what the server rebuilt) with the
// message we signed, finds the first difference, and names the usual cause.

export interface SignInformation {
  method?: string;
  url?: string;
  sign_message_length?: number;
  truncated_sign_message?: string;
}

export interface SignExplanation {
  matches: boolean;
  /** Byte offset (UTF-8) of the first difference within the compared prefix, or -1. */
  firstDifference: number;
  line?: 'method' | 'url' | 'timestamp' | 'nonce' | 'body' | 'end';
  lengthServer?: number;
  lengthLocal: number;
  findings: string[];
}

const LINES = ['method', 'url', 'timestamp', 'nonce', 'body'] as const;

/** Extracts sign_information from a SIGN_ERROR body; it sits at detail.sign_information (sometimes nested). */
export function signInformationOf(body: unknown): SignInformation | undefined {
  const detail = (body as { detail?: Record<string, unknown> } | null)?.detail;
  const info = detail?.sign_information ?? (detail?.detail as Record<string, unknown> | undefined)?.sign_information;
  return info && typeof info === 'object' ? info : undefined;
}

function lineAt(message: Buffer, offset: number): SignExplanation['line'] {
  let lineNo = 0;
  for (let i = 0; i < offset; i++) if (message[i] === 0x0a) lineNo++;
  return lineNo < LINES.length ? LINES[lineNo] : 'end';
}

/**
 * The server's truncated message, as bytes. WeChat Pay ends the truncated text with a "\n" of its own
 * (`…{"mchid"\n` in the real reply in docs/protocol.md §1), which is not part of the message: drop it when the text is
 * shorter than sign_message_length, or it reads as a difference in the body.
 */
function serverPrefix(info: SignInformation): Buffer {
  const server = Buffer.from(info.truncated_sign_message ?? '');
  const truncated = info.sign_message_length !== undefined && server.length < info.sign_message_length;
  return truncated && server[server.length - 1] === 0x0a ? server.subarray(0, -1) : server;
}

/** Byte-length difference (server − local) of the lines before the body that the server shows whole. */
function headLinesDelta(server: Buffer, local: Buffer): number {
  const s = server.toString('latin1').split('\n');
  const l = local.toString('latin1').split('\n');
  let delta = 0;
  for (let i = 0; i < 4 && i < s.length - 1; i++) delta += (s[i]?.length ?? 0) - (l[i]?.length ?? 0);
  return delta;
}

export function explainSignError(
  local: { method: string; url: string; message: string },
  info: SignInformation,
): SignExplanation {
  const findings: string[] = [];
  const localBytes = Buffer.from(local.message);
  // The server reports the length in bytes and truncates the message; compare the prefix it shows, bytewise.
  const server = serverPrefix(info);
  const diff = firstDifference(server, localBytes);
  if (info.method && info.method.toUpperCase() !== local.method.toUpperCase())
    findings.push(`The server saw method ${info.method}, you signed ${local.method}.`);
  if (info.url !== undefined && info.url !== local.url) findings.push(urlFinding(info.url, local.url));
  const line = diff >= 0 ? lineAt(localBytes, diff) : undefined;
  if (line === 'timestamp')
    findings.push(
      "The timestamp differs: the header's timestamp must equal the signed one (Unix seconds, not milliseconds), and it must be signed right before sending.",
    );
  if (line === 'nonce') findings.push('The nonce differs: nonce_str in the header must equal the signed nonce.');
  if (line === 'body')
    findings.push(
      'The body differs: send exactly the bytes you signed (no re-serialising, pretty-printing or key re-ordering after signing).',
    );
  findings.push(...lengthFindings(info, server, localBytes));
  const matches =
    diff === -1 &&
    (info.sign_message_length === undefined || info.sign_message_length === localBytes.length) &&
    findings.length === 0;
  if (matches) {
    findings.push(
      "The message matches what the server rebuilt, so the signature was made with the wrong key: check that the private key belongs to serial_no, and that serial_no is the merchant API certificate's serial (not a platform certificate's). If your own code built the message, compare it byte for byte with the one above.",
    );
  }
  return {
    matches,
    firstDifference: diff,
    ...(line ? { line } : {}),
    ...(info.sign_message_length !== undefined ? { lengthServer: info.sign_message_length } : {}),
    lengthLocal: localBytes.length,
    findings,
  };
}

/** Why the URL line differs: a missing or extra query, case, percent-encoding, or simply another URL. */
function urlFinding(serverUrl: string, localUrl: string): string {
  const [sPath, sQuery] = serverUrl.split('?');
  const [lPath, lQuery] = localUrl.split('?');
  if (sPath === lPath && sQuery !== undefined && lQuery === undefined)
    return 'The query string is missing from the signed URL line: sign the path AND the query exactly as sent.';
  if (sPath === lPath && sQuery === undefined && lQuery !== undefined)
    return 'You signed a query string the server did not receive: sign exactly the URL you send.';
  if (serverUrl.toLowerCase() === localUrl.toLowerCase())
    return 'The URL differs only in case: never lower-case or normalise the path.';
  if (safeDecode(serverUrl) === safeDecode(localUrl))
    return 'The URL differs in percent-encoding: sign the URL byte for byte as it goes on the wire.';
  return `The server saw URL ${serverUrl}, you signed ${localUrl}.`;
}

/** The byte offset of the first difference within the prefix the server shows, or -1. */
function firstDifference(server: Buffer, local: Buffer): number {
  const n = Math.min(server.length, local.length);
  for (let i = 0; i < n; i++) if (server[i] !== local[i]) return i;
  return server.length > local.length ? local.length : -1;
}

/** A length difference the visible lines do not explain is the body's doing: a newline, or re-serialising. */
function lengthFindings(info: SignInformation, server: Buffer, localBytes: Buffer): string[] {
  const findings: string[] = [];
  if (info.sign_message_length !== undefined && info.sign_message_length !== localBytes.length) {
    // What the visible method/URL/timestamp/nonce lines do not explain is the body's doing.
    const delta = info.sign_message_length - localBytes.length - headLinesDelta(server, localBytes);
    if (delta === 1)
      findings.push(
        'The server\'s message is one byte longer: the body that was sent ends with a newline that was not signed, or your message lacks the final "\\n" after the body (an empty body still ends "NONCE\\n\\n").',
      );
    else if (delta === -1)
      findings.push(
        'Your message is one byte longer: the signed body ends with a newline that was not sent (editors add one at the end of a file), or a line end is doubled.',
      );
    else if (delta !== 0)
      findings.push(
        `The server's message is ${info.sign_message_length} bytes, yours is ${localBytes.length}: the body was re-serialised or changed after signing (whitespace, key order, escaping), or CRLF line ends crept in.`,
      );
  }
  return findings;
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/** The timestamp and nonce lines of the message the server rebuilt, when the truncated text shows them whole. */
export function serverTimestampNonce(info: SignInformation): { timestamp?: string; nonce?: string } {
  const lines = serverPrefix(info).toString('utf8').split('\n');
  // A line is whole only when a "\n" follows it in the text shown.
  const whole = (i: number) => (lines.length > i + 1 && lines[i] ? lines[i] : undefined);
  const timestamp = whole(2);
  const nonce = whole(3);
  return { ...(timestamp && /^\d+$/.test(timestamp) ? { timestamp } : {}), ...(nonce ? { nonce } : {}) };
}

/** The Authorization field a SIGN_ERROR names (detail.field, sometimes one level down). */
export function signErrorField(body: { detail?: Record<string, unknown> }): string | undefined {
  const d = body.detail;
  const field = d?.field ?? (d?.detail as Record<string, unknown> | undefined)?.field;
  return typeof field === 'string' ? field : undefined;
}
