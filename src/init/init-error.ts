/**
 * @module The one error `baton init` and `baton uninstall` raise: what is wrong,
 * with which file, and what to do. Nothing is written when one is raised.
 */
export class InitError extends Error {
  override readonly name = 'InitError';
  /** What the user should do about it. */
  readonly hint: string;

  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}
