/**
 * @module The frame of every client command: connect (client/connect.ts), run the
 * command's body, print its result for people or as JSON, and set the exit code;
 * any error is printed with its code and hint and mapped to its exit code
 * (client/exit-codes.ts). Bodies return data and never print or exit.
 */
import { connect, type ClientFlags } from './client/connect.js';
import type { ExitCode } from './client/exit-codes.js';
import type { BatonClient } from './client/http-client.js';
import { painter, printJson, reportError, useColour, type Paint } from './output.js';

export interface CommonFlags extends ClientFlags {
  json?: boolean | undefined;
}

export interface Result {
  /** What --json prints: the server's answer, as it gave it. */
  json: unknown;
  /** What people see (stdout). */
  human: (paint: Paint) => string;
  /** Non-zero when the command did not get what it asked for (busy, held). */
  exitCode?: ExitCode;
}

export async function act(flags: CommonFlags, body: (client: BatonClient) => Promise<Result>): Promise<void> {
  try {
    const result = await body(connect(flags));
    if (flags.json) printJson(result.json);
    else process.stdout.write(result.human(painter(useColour(process.stdout))));
    if (result.exitCode !== undefined) process.exitCode = result.exitCode;
  } catch (error) {
    process.exitCode = reportError(error, flags.json === true);
  }
}
