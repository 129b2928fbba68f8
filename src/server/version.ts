/**
 * @module The package version, read once from package.json (kept out of server/main
 * so the CLI's quick commands do not load the whole server).
 */
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
