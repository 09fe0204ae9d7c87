// Types of zip.mjs (plain JavaScript, run by node without a build step; the reliability suite imports it from TS).
export function zipEntries(file: string): { name: string; data: Buffer }[];
