/**
 * Errors that map to the CLI's exit codes (DESIGN.md, "CLI contract").
 * Every message names the file, the field and what was expected, so a user can fix it unaided.
 */

/** Bad usage, config or input: exit 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly file?: string,
    readonly field?: string,
  ) {
    super([file, field].filter(Boolean).join(': ') + (file || field ? ': ' : '') + message);
  }
}

/** The run itself failed (service crashed, timed out): exit 3. */
export class RunError extends Error {
  override readonly name = 'RunError';
}

export const EXIT = { ok: 0, regression: 1, input: 2, run: 3 } as const;
