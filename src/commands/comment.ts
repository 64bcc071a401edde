/** `perfgate comment`: the report as the sticky pull request comment, from any CI. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, InputError } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import { COMMENT_OPTIONS, commentTarget, expectArguments, postComment } from './args.js';
import type { Command } from './types.js';

const USAGE = `usage: perfgate comment REPORT.md [--repo OWNER/NAME] (--pr N | --sha SHA) [--name NAME]
                        [--token-env VAR] [--author LOGIN]

Posts REPORT.md, the report 'perfgate check --format markdown' prints, as the sticky comment the
GitHub Action posts on the pull request (the same marker, body and size cap), or updates the one
already there: for benchmarks run outside GitHub Actions (Buildkite, Jenkins, a lab machine) on
code that lives on GitHub. 'perfgate check --comment' does the same after a check.
--repo: default $GITHUB_REPOSITORY. --sha: the head commit of the open pull request(s) to comment
on. --name: the report's name, which tells its comment from others (default perfgate). The token
comes from $GITHUB_TOKEN, or the variable --token-env names; it needs pull-requests: write.
--author: whose earlier comment is updated (default: the token's user). GitHub Enterprise: set
$GITHUB_API_URL. Exit 2 on bad input, 3 when GitHub refuses (the message says why).`;

export const commentCommand: Command = {
  summary: "post a check's markdown report as the sticky pull request comment, from any CI",
  usage: USAGE,
  options: COMMENT_OPTIONS,
  async run(args, io) {
    const [file] = expectArguments(args, 1, USAGE) as [string];
    const target = commentTarget(args.values, io);
    const where = path.resolve(io.cwd, file);
    const markdown = await readFile(where, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read it (${error.code ?? error.message})`, { file: where });
    });
    if (markdown.trim() === '') throw new InputError('is empty', { file: where });
    for (const line of await postComment(target, markdown, io)) {
      io.stdout(`${escapeTerminal(line)}\n`);
    }
    return EXIT.ok;
  },
};
