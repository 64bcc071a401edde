/**
 * Progress of a run, for the person or the log watching it. Three faces of one interface: a live
 * line on a terminal, log groups in GitHub Actions, plain lines elsewhere. Written to stderr so
 * stdout stays the command's output. Suite and variant names, notes and summaries come from
 * the config and the benchmarks' output: each is escaped (escapeTerminal), so none can move the
 * cursor, erase a line or start one of its own.
 */
import { suiteLabel } from '../results/variant.js';
import { escapeLogLine, escapeTerminal } from '../report/escape.js';

export interface TrialLabel {
  suite: string;
  variant: string;
  trial: number;
  of: number;
}

/** Where a whole run stands once a round (every arm's trial of every due suite) is done. */
export interface RoundStatus {
  round: number;
  /** Rounds planned: the trials per side, or a sequential design's maximum. */
  of: number;
  /** Sequential trials: the run may stop before `of`. */
  atMost: boolean;
  elapsedSeconds: number;
}

export interface Progress {
  /** A round of one variant begins (a log group in GitHub Actions). */
  section(title: string): void;
  trialStarted(label: TrialLabel): void;
  /** Live requests/s of an http trial, once a second. */
  tick(requestsPerSecond: number): void;
  trialFinished(label: TrialLabel, summary: string): void;
  /** One line per round: rounds done of planned, elapsed, and about what is left. */
  roundFinished(status: RoundStatus): void;
  note(text: string): void;
  end(): void;
}

type Write = (text: string) => void;

const describe = ({ suite, variant, trial, of }: TrialLabel): string =>
  `${escapeTerminal(suiteLabel(suite, variant))} trial ${trial}/${of}`;

/** "1 min 05 s", "42 s": durations of a run as a person reads them. */
function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
}

/**
 * "round 5 of 12 · 2 min 10 s elapsed · about 3 min 02 s left": the time left assumes the rounds
 * to come take as long as the ones so far (the first round's service start and warm-up included,
 * so it errs long).
 */
export function roundLine({ round, of, atMost, elapsedSeconds }: RoundStatus): string {
  const left = (elapsedSeconds / round) * (of - round);
  const planned = `round ${round} of ${atMost ? 'at most ' : ''}${of}`;
  const remaining = round < of ? ` · about ${duration(left)} left${atMost ? ' at most' : ''}` : '';
  return `${planned} · ${duration(elapsedSeconds)} elapsed${remaining}`;
}

const rate = (rps: number): string => `${Math.round(rps).toLocaleString('en-US')} req/s`;

/** One line per trial, rewritten in place with the elapsed time and live req/s. */
export function terminalProgress(write: Write, now: () => number = Date.now): Progress {
  let current: { label: TrialLabel; started: number } | undefined;
  const redraw = (extra: string) => {
    if (!current) return;
    const seconds = ((now() - current.started) / 1000).toFixed(1);
    write(`\r\x1b[2K${describe(current.label)} · ${seconds}s${extra}`);
  };
  return {
    section: (title) => write(`\n${escapeTerminal(title)}\n`),
    trialStarted: (label) => {
      current = { label, started: now() };
      redraw('');
    },
    tick: (rps) => redraw(` · ${rate(rps)}`),
    trialFinished: (label, summary) => {
      current = undefined;
      write(`\r\x1b[2K${describe(label)} · ${escapeTerminal(summary)}\n`);
    },
    roundFinished: (status) => write(`\r\x1b[2K${roundLine(status)}\n`),
    note: (text) => write(`\r\x1b[2K${escapeTerminal(text)}\n`),
    end: () => undefined,
  };
}

/** Plain lines; in GitHub Actions each section is a collapsible log group. */
export function lineProgress(write: Write, githubActions: boolean): Progress {
  let open = false;
  const close = () => {
    if (githubActions && open) write('::endgroup::\n');
    open = false;
  };
  return {
    section: (title) => {
      close();
      const shown = escapeTerminal(title);
      write(githubActions ? `::group::${shown}\n` : `${shown}\n`);
      open = true;
    },
    trialStarted: (label) => write(`${escapeLogLine(describe(label))} …\n`),
    tick: () => undefined,
    trialFinished: (label, summary) =>
      write(`${escapeLogLine(`${describe(label)} · ${summary}`)}\n`),
    roundFinished: (status) => write(`${roundLine(status)}\n`),
    note: (text) => write(`${escapeLogLine(text)}\n`),
    end: close,
  };
}

export function progressFor(write: Write, env: NodeJS.ProcessEnv, isTTY: boolean): Progress {
  if (env.GITHUB_ACTIONS === 'true') return lineProgress(write, true);
  return isTTY ? terminalProgress(write) : lineProgress(write, false);
}
