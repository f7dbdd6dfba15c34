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
  /** Byte offset of the first difference within the compared prefix, or -1. */
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
  return info && typeof info === 'object' ? (info as SignInformation) : undefined;
}

function lineAt(message: string, offset: number): SignExplanation['line'] {
  const lineNo = message.slice(0, offset).split('\n').length - 1;
  return lineNo < LINES.length ? LINES[lineNo] : 'end';
}

export function explainSignError(local: { method: string; url: string; message: string }, info: SignInformation): SignExplanation {
  const findings: string[] = [];
  const localBytes = Buffer.from(local.message);
  // The server reports the length in bytes and truncates the message; compare the prefix it shows.
  const server = info.truncated_sign_message ?? '';
  let diff = -1;
  const n = Math.min(server.length, local.message.length);
  for (let i = 0; i < n; i++) {
    if (server[i] !== local.message[i]) {
      diff = i;
      break;
    }
  }
  if (diff === -1 && server.length > local.message.length) diff = local.message.length;
  if (info.method && info.method.toUpperCase() !== local.method.toUpperCase()) findings.push(`The server saw method ${info.method}, you signed ${local.method}.`);
  if (info.url !== undefined && info.url !== local.url) {
    const [sPath, sQuery] = info.url.split('?');
    const [lPath, lQuery] = local.url.split('?');
    if (sPath === lPath && sQuery !== undefined && lQuery === undefined) findings.push('The query string is missing from the signed URL line: sign the path AND the query exactly as sent.');
    else if (sPath?.toLowerCase() === lPath?.toLowerCase()) findings.push('The URL differs only in case: never lower-case or normalise the path.');
    else if (decodeURIComponent(info.url) === decodeURIComponent(local.url)) findings.push('The URL differs in percent-encoding: sign the URL byte for byte as it goes on the wire.');
    else findings.push(`The server saw URL ${info.url}, you signed ${local.url}.`);
  }
  const line = diff >= 0 ? lineAt(local.message, diff) : undefined;
  if (line === 'timestamp') findings.push('The timestamp differs: the header\'s timestamp must equal the signed one (Unix seconds, not milliseconds).');
  if (line === 'nonce') findings.push('The nonce differs: nonce_str in the header must equal the signed nonce.');
  if (line === 'body') findings.push('The body differs: send exactly the bytes you signed (no re-serialising, pretty-printing or key re-ordering after signing).');
  if (info.sign_message_length !== undefined && info.sign_message_length !== localBytes.length) {
    const delta = info.sign_message_length - localBytes.length;
    if (delta === 1 && !local.message.endsWith('\n\n') && local.message.split('\n').length === 5) findings.push('The server\'s message is one byte longer: is the final newline after the body missing?');
    else if (Math.abs(delta) <= 2) findings.push(`The lengths differ by ${delta} byte(s): check the trailing newlines (an empty body still ends "NONCE\\n\\n") and CRLF line ends.`);
    else findings.push(`The server's message is ${info.sign_message_length} bytes, yours is ${localBytes.length}: the body was probably re-serialised or changed after signing.`);
  }
  const matches = diff === -1 && (info.sign_message_length === undefined || info.sign_message_length === localBytes.length) && findings.length === 0;
  if (matches) findings.push('The message matches what the server rebuilt: the key is wrong. Check that the private key belongs to serial_no, and that serial_no is the merchant API certificate\'s serial.');
  return {
    matches,
    firstDifference: diff,
    ...(line ? { line } : {}),
    ...(info.sign_message_length !== undefined ? { lengthServer: info.sign_message_length } : {}),
    lengthLocal: localBytes.length,
    findings,
  };
}
