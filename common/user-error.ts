/** A mistake the user can fix (bad flag, missing file, malformed input): printed as one line, no stack. */
export class UserError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 2, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}
