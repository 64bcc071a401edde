import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../src/report/escape.js';

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
