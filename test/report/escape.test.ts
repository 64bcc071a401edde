import { describe, expect, it } from 'vitest';
import { escapeLogLine, escapeMarkdown, escapeTerminal } from '../../src/report/escape.js';

describe('escapeMarkdown', () => {
  it('keeps a benchmark name from breaking out of its table cell', () => {
    expect(escapeMarkdown('a|b')).toBe('a\\|b');
    expect(escapeMarkdown('line\nbreak')).toBe('line break');
  });

  it('neutralises HTML, links, images and emphasis', () => {
    expect(escapeMarkdown('<img src=x onerror=alert(1)>')).toBe(
      '&lt;img src=x onerror=alert(1)&gt;',
    );
    expect(escapeMarkdown('![x](http://evil)')).toBe('!\\[x\\](http://evil)');
    expect(escapeMarkdown('**bold** _it_ `code` ~~s~~')).toBe(
      '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~',
    );
  });

  it('stops @mentions from notifying anyone', () => {
    const escaped = escapeMarkdown('ping @octocat and @org/team');
    expect(escaped).not.toMatch(/@[a-z]/i);
    expect(escaped).toBe('ping @\u200boctocat and @\u200borg/team');
  });
});

describe('escapeMarkdown: issue references and control characters', () => {
  it('shows control characters as escapes, since markdown is printed on terminals too', () => {
    expect(escapeMarkdown('ok\x1b[2K')).toBe('ok\\\\x1b\\[2K');
  });

  it('stops #123, owner/repo#123 and GH-123 from linking to issues', () => {
    const escaped = escapeMarkdown('fix #123, see octo/repo#45 and GH-6 (gh-7)');
    // GitHub links a # or GH- directly followed by digits; a zero-width space breaks that.
    expect(escaped).not.toMatch(/#\d|GH-\d/i);
    expect(escaped).toBe('fix #\u200b123, see octo/repo#\u200b45 and GH-\u200b6 (gh-\u200b7)');
  });
});

describe('escapeTerminal', () => {
  it('shows ANSI escapes, line breaks and other control characters instead of obeying them', () => {
    expect(escapeTerminal('ok\x1b[1A\x1b[2K')).toBe('ok\\x1b[1A\\x1b[2K');
    expect(escapeTerminal('a\r\nb\tc\x00\x7f\x9b')).toBe('a\\x0d\\x0ab\\x09c\\x00\\x7f\\x9b');
    expect(escapeTerminal('a\u2028b\u2029c\u202ed')).toBe('a\\u2028b\\u2029c\\u202ed');
  });

  it('keeps printable text, including non-ASCII, and is idempotent', () => {
    expect(escapeTerminal('api/embed#fast latency_p95 ±2 % µs 🟢')).toBe(
      'api/embed#fast latency_p95 ±2 % µs 🟢',
    );
    const once = escapeTerminal('x\x1by');
    expect(escapeTerminal(once)).toBe(once);
  });
});

describe('escapeLogLine', () => {
  it('disarms a workflow command at the start of a line, after leading whitespace too', () => {
    expect(escapeLogLine('::add-mask::perfgate')).toBe('› ::add-mask::perfgate');
    expect(escapeLogLine('  ::stop-commands::t')).toBe('  › ::stop-commands::t');
    expect(escapeLogLine('##[error]owned')).toBe('› ##[error]owned');
  });

  it('keeps a hostile value on one line, so no command can start a line of its own', () => {
    const shown = escapeLogLine(
      'x\n::error title=x::owned\r\n::set-output name=verdict::improvement',
    );
    expect(shown.split('\n')).toHaveLength(1);
    expect(shown).toBe(
      'x\\x0a::error title=x::owned\\x0d\\x0a::set-output name=verdict::improvement',
    );
  });

  it('leaves ordinary text and a :: inside a line alone', () => {
    expect(escapeLogLine('note: a::b')).toBe('note: a::b');
  });
});
