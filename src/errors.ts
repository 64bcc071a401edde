/**
 * Errors that map to the CLI's exit codes (DESIGN.md, "CLI contract").
 * Every message names the file, the field and what was expected, so a user can fix it unaided.
 */

/** Where bad input is: the file (config, results, a folder) and the field or option in it. */
export interface InputLocation {
  file?: string | undefined;
  field?: string | undefined;
}

/** Bad usage, config or input: exit 2. The message is prefixed `<file>: <field>: `. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly file?: string | undefined;
  readonly field?: string | undefined;
  constructor(message: string, { file, field }: InputLocation = {}) {
    super([file, field].filter(Boolean).join(': ') + (file || field ? ': ' : '') + message);
    this.file = file;
    this.field = field;
  }
}

/** The run itself failed (service crashed, timed out): exit 3. */
export class RunError extends Error {
  override readonly name = 'RunError';
}

export const EXIT = { ok: 0, regression: 1, input: 2, run: 3 } as const;
