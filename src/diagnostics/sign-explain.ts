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
  return info && typeof info === 'object' ? (info as SignInformation) : undefined;
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
  let diff = -1;
  const n = Math.min(server.length, localBytes.length);
  for (let i = 0; i < n; i++) {
    if (server[i] !== localBytes[i]) {
      diff = i;
      break;
    }
  }
  if (diff === -1 && server.length > localBytes.length) diff = localBytes.length;
  if (info.method && info.method.toUpperCase() !== local.method.toUpperCase())
    findings.push(`The server saw method ${info.method}, you signed ${local.method}.`);
  if (info.url !== undefined && info.url !== local.url) {
    const [sPath, sQuery] = info.url.split('?');
    const [lPath, lQuery] = local.url.split('?');
    if (sPath === lPath && sQuery !== undefined && lQuery === undefined)
      findings.push(
        'The query string is missing from the signed URL line: sign the path AND the query exactly as sent.',
      );
    else if (sPath === lPath && sQuery === undefined && lQuery !== undefined)
      findings.push('You signed a query string the server did not receive: sign exactly the URL you send.');
    else if (info.url.toLowerCase() === local.url.toLowerCase())
      findings.push('The URL differs only in case: never lower-case or normalise the path.');
    else if (safeDecode(info.url) === safeDecode(local.url))
      findings.push('The URL differs in percent-encoding: sign the URL byte for byte as it goes on the wire.');
    else findings.push(`The server saw URL ${info.url}, you signed ${local.url}.`);
  }
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

export interface SerialExplanation {
  field: 'serial_no';
  requestSerial?: string;
  profileSerial: string;
  certificateSerial?: string;
  findings: string[];
}

/** A serial_no SIGN_ERROR: the serial sent is not the merchant API certificate WeChat Pay has for this mchid. */
export function explainSerialError(facts: {
  requestSerial?: string;
  profileSerial: string;
  certificateSerial?: string;
  configCheck: string;
}): SerialExplanation {
  const { requestSerial, profileSerial, certificateSerial } = facts;
  const findings: string[] = [];
  const expected = certificateSerial ?? profileSerial;
  if (requestSerial !== undefined) {
    const what = certificateSerial
      ? `the merchant certificate (merchantCertPath) has serial ${certificateSerial}`
      : `this profile signs with serial_no ${profileSerial}`;
    if (requestSerial === expected)
      findings.push(
        `The request carried serial_no ${requestSerial}, and ${what}: the certificate was probably re-issued on the merchant platform (only the newest counts), or the request came from another profile or machine.`,
      );
    else if (requestSerial.toUpperCase() === expected.toUpperCase())
      findings.push(
        `The request carried serial_no ${requestSerial}, and ${what}: they differ only in case; send upper-case hex, as openssl prints it.`,
      );
    else
      findings.push(
        `The request carried serial_no ${requestSerial}, but ${what}: send the serial of the certificate whose private key signs.`,
      );
  } else if (certificateSerial)
    findings.push(
      `The request's serial_no is not shown; the merchant certificate (merchantCertPath) has serial ${certificateSerial}.`,
    );
  if (certificateSerial && profileSerial !== certificateSerial)
    findings.push(
      `This profile's serialNo ${profileSerial} is not its certificate's serial ${certificateSerial}: correct serialNo, or remove it so it is read from merchantCertPath.`,
    );
  if (!certificateSerial)
    findings.push(
      "The profile has no merchantCertPath, so the certificate's serial cannot be checked here: `openssl x509 -in apiclient_cert.pem -noout -serial` prints it.",
    );
  findings.push(
    `Run \`${facts.configCheck}\`: it checks that the private key is the pair of the certificate and that serialNo matches it.`,
  );
  return {
    field: 'serial_no',
    ...(requestSerial !== undefined ? { requestSerial } : {}),
    profileSerial,
    ...(certificateSerial ? { certificateSerial } : {}),
    findings,
  };
}
