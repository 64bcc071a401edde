import { describe, expect, it } from 'vitest';
import { lineProgress, progressFor, roundLine, terminalProgress } from '../../src/run/progress.js';

const label = { suite: 'api/embed', variant: 'baseline', trial: 2, of: 5 };

describe('the overall progress line', () => {
  it('says rounds done of planned, elapsed, and what is left at the pace so far', () => {
    expect(roundLine({ round: 5, of: 12, atMost: false, elapsedSeconds: 130 })).toBe(
      'round 5 of 12 · 2 min 10 s elapsed · about 3 min 02 s left',
    );
    expect(roundLine({ round: 2, of: 4, atMost: false, elapsedSeconds: 9.6 })).toBe(
      'round 2 of 4 · 10 s elapsed · about 10 s left',
    );
  });

  it('says "at most" for sequential trials, which may stop early, and nothing left at the end', () => {
    expect(roundLine({ round: 6, of: 30, atMost: true, elapsedSeconds: 60 })).toBe(
      'round 6 of at most 30 · 1 min 00 s elapsed · about 4 min 00 s left at most',
    );
    expect(roundLine({ round: 4, of: 4, atMost: false, elapsedSeconds: 61 })).toBe(
      'round 4 of 4 · 1 min 01 s elapsed',
    );
  });

  it('is one plain line in the log (inside the open group in Actions), a fresh line on a terminal', () => {
    let log = '';
    const lines = lineProgress((t) => (log += t), true);
    lines.section('round 1: head');
    lines.roundFinished({ round: 1, of: 2, atMost: false, elapsedSeconds: 3 });
    lines.end();
    expect(log).toBe(
      '::group::round 1: head\nround 1 of 2 · 3 s elapsed · about 3 s left\n::endgroup::\n',
    );
    let screen = '';
    terminalProgress((t) => (screen += t)).roundFinished({
      round: 1,
      of: 2,
      atMost: false,
      elapsedSeconds: 3,
    });
    expect(screen).toBe('\r\x1b[2Kround 1 of 2 · 3 s elapsed · about 3 s left\n');
  });
});

describe('progress', () => {
  it('groups each section in GitHub Actions logs and closes the last group', () => {
    let out = '';
    const progress = lineProgress((t) => (out += t), true);
    progress.section('round 1: variant baseline');
    progress.trialFinished(label, '1,200 req/s');
    progress.section('round 1: variant candidate');
    progress.end();
    expect(out).toBe(
      '::group::round 1: variant baseline\napi/embed#baseline trial 2/5 · 1,200 req/s\n::endgroup::\n' +
        '::group::round 1: variant candidate\n::endgroup::\n',
    );
  });

  it('redraws one live line on a terminal with elapsed time and req/s', () => {
    let out = '';
    let now = 1000;
    const progress = terminalProgress(
      (t) => (out += t),
      () => now,
    );
    progress.trialStarted(label);
    now = 3500;
    progress.tick(12345.6);
    expect(out.split('\r\x1b[2K').at(-1)).toBe(
      'api/embed#baseline trial 2/5 · 2.5s · 12,346 req/s',
    );
  });

  it('picks the face from the environment', () => {
    let out = '';
    progressFor((t) => (out += t), { GITHUB_ACTIONS: 'true' }, true).section('s');
    expect(out).toBe('::group::s\n');
  });

  it('shows control characters in names, summaries and notes instead of obeying them', () => {
    // A suite name that would erase the line above it, and a note that would start lines of its own.
    const hostile = { ...label, suite: 'ok\x1b[1A\x1b[2K', variant: 'v\r' };
    const note = 'skipped\n::error::planted\u2028x';
    let terminal = '';
    const live = terminalProgress((t) => (terminal += t));
    live.section('round 1: variant v\x1b[2K');
    live.trialStarted(hostile);
    live.trialFinished(hostile, '1 req/s\x1b[2K');
    live.note(note);
    // Only the progress line's own redraw (CR, erase line) may move the cursor.
    const own = terminal.replaceAll('\r\x1b[2K', '');
    for (const control of ['\x1b', '\r', '\u2028']) expect(own).not.toContain(control);
    expect(terminal).toContain('ok\\x1b[1A\\x1b[2K#v\\x0d trial 2/5 · 1 req/s\\x1b[2K\n');
    let log = '';
    const lines = lineProgress((t) => (log += t), true);
    lines.section('round 1\n::error::planted');
    lines.trialFinished(hostile, 'done');
    lines.note(note);
    lines.end();
    expect(log.split('\n')).toEqual([
      '::group::round 1\\x0a::error::planted',
      'ok\\x1b[1A\\x1b[2K#v\\x0d trial 2/5 · done',
      'skipped\\x0a::error::planted\\u2028x',
      '::endgroup::',
      '',
    ]);
  });
});
