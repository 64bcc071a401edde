/**
 * Benchmark names come from user files (and, for fork PRs, from untrusted artifacts): they must
 * not inject markdown structure, HTML, or @mentions into a comment that GitHub renders.
 */
// Inside a table cell only inline syntax matters: emphasis, code, links/images, cells, strikethrough.
const MARKDOWN_SPECIAL = /[\\`*_[\]|~]/g;
const HTML_ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
};

export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[\r\n\t]+/g, ' ')
      .replace(/[<>&"]/g, (c) => HTML_ENTITIES[c] ?? c)
      .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
      // A zero-width space after @ stops GitHub from notifying users and teams.
      .replace(/@/g, '@\u200b')
  );
}
