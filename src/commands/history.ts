/**
 * `perfgate history compact --before DATE`: shrink the data branch's old results to their
 * run-level summaries, in one commit (store/gitCompact.ts). Run in a checkout of the repository
 * whose data branch the action records to, with credentials that may push.
 */
import { EXIT, InputError } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import { parseCutoff } from '../store/compact.js';
import { gitStore } from '../store/gitStore.js';
import { DATA_BRANCH } from '../constants.js';
import { shortRevision } from '../text.js';
import type { Command } from './types.js';

const USAGE = `usage: perfgate history compact --before DATE [--data-branch ${DATA_BRANCH}] [--remote origin]

Replaces the trials of every result recorded before DATE (YYYY-MM-DD, midnight UTC, or an ISO
date-time with a zone) on the data branch by each metric's median and spread, in one new commit
pushed to the remote. Baselines and change points use run medians, so they are unchanged; the raw
files stay in the branch's history, and results from DATE on are not read or changed.`;

export const historyCommand: Command = {
  summary: 'maintain the stored history: compact --before DATE',
  usage: USAGE,
  options: {
    before: { type: 'string' },
    'data-branch': { type: 'string' },
    remote: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1 || positionals[0] !== 'compact') {
      throw new InputError(`expected "compact", got ${JSON.stringify(positionals.join(' '))}`);
    }
    const text = typeof values.before === 'string' ? values.before : undefined;
    if (!text) throw new InputError('is required: the cut-off date', { field: '--before' });
    const before = parseCutoff(text);
    if (!before) {
      throw new InputError(
        `expected YYYY-MM-DD or an ISO date-time with a zone, got ${JSON.stringify(text)}`,
        { field: '--before' },
      );
    }
    const dataBranch =
      typeof values['data-branch'] === 'string' ? values['data-branch'] : undefined;
    if (typeof values.remote === 'string' && !/^[\w.][\w.-]*$/.test(values.remote)) {
      throw new InputError(
        `expected the name of a git remote, got ${JSON.stringify(values.remote)}`,
        {
          field: '--remote',
        },
      );
    }
    const store = gitStore({
      repoDir: io.cwd,
      ...(dataBranch ? { dataBranch } : {}),
      ...(typeof values.remote === 'string' ? { remote: values.remote } : {}),
    });
    const { compacted, commit } = await store.compact(before);
    const branch = escapeTerminal(dataBranch ?? DATA_BRANCH);
    io.stdout(
      commit
        ? `compacted ${compacted} result(s) recorded before ${before.toISOString()} on ${branch} ` +
            `(commit ${shortRevision(commit)}); their trials stay in the parent commit\n`
        : `nothing to compact on ${branch}: no result recorded before ${before.toISOString()} has trials to drop\n`,
    );
    return EXIT.ok;
  },
};
