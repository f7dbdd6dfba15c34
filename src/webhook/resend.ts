// The exact command that re-sends one event's forward: logged with every failed forward, and named in the README.
const q = (s: string) => (/^[\w./:@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function resendCommand(journalPath: string, id: string, forwardTo: string): string {
  return `wxpay notify replay ${q(journalPath)} --id ${q(id)} --forward ${q(forwardTo)}`;
}
