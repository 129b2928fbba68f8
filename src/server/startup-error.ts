/**
 * @module StartupError: a start-up failure the user can fix (a busy port, a bad
 * setting, a data directory in use). Its message is one line saying what is
 * wrong and what to do; the CLI prints it as is, without a stack or cause chain.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** The StartupError for a failed listen, or the error itself when it is not one a user can fix. */
export function listenFailure(error: unknown, host: string, port: number): unknown {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  if (code === 'EADDRINUSE') return new StartupError(`port ${port} is in use (by another Baton? run: baton status); pick another with --port`);
  if (code === 'EACCES') return new StartupError(`this user may not listen on port ${port} of ${host}; pick one from 1024 up with --port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new StartupError(`cannot listen on ${host}: it is not an address of this machine; pick another with --host (default 127.0.0.1)`);
  }
  return error;
}
