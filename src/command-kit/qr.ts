// A terminal QR code for a Native code_url (prepay --qr and the demo), drawn by qrcode-terminal.
export async function renderQr(text: string): Promise<string> {
  const { default: qrcode } = await import('qrcode-terminal');
  return new Promise((resolve) =>
    qrcode.generate(text, { small: true }, (qr: string) => resolve(qr.replace(/\n+$/, ''))),
  );
}
