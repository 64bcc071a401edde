/**
 * Benchmark names come from user files (and, for fork PRs, from untrusted artifacts): they must
 * not inject markdown structure, HTML, @mentions or issue references into a comment that GitHub
 * renders, nor terminal control sequences into what a person reads in a terminal or a log.
 */
// Inside a table cell only inline syntax matters: emphasis, code, links/images, cells, strikethrough.
const MARKDOWN_SPECIAL = /[\\`*_[\]|~]/g;
const HTML_ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
};

const ZERO_WIDTH_SPACE = '\u200b';

export function escapeMarkdown(text: string): string {
  return (
    // Line breaks would end a table row or a list item: a space keeps the text on its line.
    // Other control characters show as escapes, as in a terminal, where markdown is printed too.
    escapeTerminal(text.replace(/[\r\n\t]+/g, ' '))
      .replace(/[<>&"]/g, (c) => HTML_ENTITIES[c] ?? c)
      .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
      // A zero-width space after @ stops GitHub from notifying users and teams.
      .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
      // And after # (`#123`, `owner/repo#123`) or before the digits of `GH-123`, from linking
      // the comment to that issue or pull request, which also notifies its thread.
      .replace(/#/g, `#${ZERO_WIDTH_SPACE}`)
      .replace(/\b(GH-)(?=\d)/gi, `$1${ZERO_WIDTH_SPACE}`)
  );
}

/**
 * C0 and C1 control characters (ESC starts ANSI sequences that move the cursor and erase lines;
 * CR and LF start lines that look like ours), DEL, the Unicode line and paragraph separators,
 * and the bidirectional overrides and isolates (which reorder what is shown, "Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from input (names, notes, environment strings, file names) as it may be shown in a
 * terminal or a log: every control character becomes a visible escape such as `\x1b`, so a
 * name can neither redraw the screen nor start a line of its own. Idempotent: its output has
 * no control characters left.
 */
export function escapeTerminal(text: string): string {
  return text.replace(TERMINAL_CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Workflow commands: the runner reads a log line as one when, after leading whitespace, it starts
 * with `::name::` or the older `##[name]`.
 */
const WORKFLOW_COMMAND = /^(\s*)(::|##\[)/;

/**
 * One line of text from input for a GitHub Actions job log, where a line that starts with a
 * workflow command is executed (`::add-mask::`, `::stop-commands::`, `::error::`): control
 * characters escaped as in a terminal, so it stays one line, and a leading command disarmed by a
 * visible `›` in front of it.
 */
export function escapeLogLine(text: string): string {
  return escapeTerminal(text).replace(WORKFLOW_COMMAND, '$1› $2');
}
