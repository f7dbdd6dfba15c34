// Explains a serial_no SIGN_ERROR: compares the serial the request carried with the profile's serialNo and its
// merchant certificate's serial, and says which one to fix.

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
