/**
 * GitHub caps a comment at 65,536 characters and a step summary at 1 MiB, and core.summary does
 * not enforce it: cut at a line boundary ourselves and say so, keeping what must survive
 * (the hidden marker) at the start.
 */
export const COMMENT_LIMIT = 65_536;
/** 1 MiB of UTF-8 in characters, counting each as the 4 bytes it may take (emoji, ±, —). */
export const SUMMARY_LIMIT = (1024 * 1024) / 4;

export function truncateMarkdown(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const note =
    "\n\n> ⚠️ This report was truncated to fit GitHub's size limit; the full report is in the results artifact.\n";
  // Room for the note and for closing up to three open <details> blocks.
  const budget = limit - note.length - 3 * '\n</details>'.length;
  const cut = text.lastIndexOf('\n', budget);
  // An open <details> would swallow the note; close it when the cut falls inside one.
  const kept = text.slice(0, cut > 0 ? cut : budget);
  const openDetails =
    (kept.match(/<details/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  return kept + '\n</details>'.repeat(Math.max(0, openDetails)) + note;
}
