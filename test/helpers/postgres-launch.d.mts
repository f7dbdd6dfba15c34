// Types for postgres-launch.mjs (plain JavaScript, shared with the benchmarks).
/** A running server: its folder (data, socket, log) and port. */
export interface PgInstance {
  dir: string;
  port: number;
}
export function findPgBin(): string | undefined;
export function pgSkipReason(): string | undefined;
export function pgCommand(name: string, args: string[]): [string, string[]];
export function launchPostgres(settings?: string[], parent?: string): Promise<PgInstance>;
export function stopPostgres(dir: string): void;
