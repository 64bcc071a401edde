import { describe, expect, it } from 'vitest';
import { lineProgress, progressFor, terminalProgress } from '../../src/run/progress.js';

const label = { suite: 'api/embed', variant: 'baseline', trial: 2, of: 5 };

describe('progress', () => {
  it('groups each section in GitHub Actions logs and closes the last group', () => {
    let out = '';
    const progress = lineProgress((t) => (out += t), true);
    progress.section('round 1: variant baseline');
    progress.trialFinished(label, '1,200 req/s');
    progress.section('round 1: variant candidate');
    progress.end();
    expect(out).toBe(
      '::group::round 1: variant baseline\napi/embed [baseline] trial 2/5 · 1,200 req/s\n::endgroup::\n' +
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
      'api/embed [baseline] trial 2/5 · 2.5s · 12,346 req/s',
    );
  });

  it('picks the face from the environment', () => {
    let out = '';
    progressFor((t) => (out += t), { GITHUB_ACTIONS: 'true' }, true).section('s');
    expect(out).toBe('::group::s\n');
  });
});
