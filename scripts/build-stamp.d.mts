// Types for build-stamp.mjs (plain JavaScript, run by npm scripts before anything is built).
export const STAMP: string;
export const INPUTS: string[];
export function inputsHash(root: string, node?: string): string;
export function outputsHash(root: string): string;
export function beginBuild(root: string): void;
export function endBuild(root: string): void;
export function isUpToDate(root: string): boolean;
