/** `perfgate init`: a perfgate.yml and the workflows, for a repository that has never seen perfgate. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, ParsedArgs } from './types.js';
import { EXIT, InputError } from '../errors.js';
import { RUNS_ON } from '../pipeline/defaults.js';
import { actionSource, initRepository, type Endpoint, type Workload } from '../pipeline/init.js';
import { labelsOption, wholeOption } from '../pipeline/options.js';
import { escapeTerminal } from '../report/escape.js';
import { displayPath, stringOption } from './args.js';

const USAGE = `usage: perfgate init (--service CMD --port N [--health PATH] [--endpoint METHOD:PATH]... | --command CMD)
                     [--runs-on LABEL,LABEL] [--action OWNER/NAME@REF] [--dir .] [--force]

Writes perfgate.yml (an http suite against the service perfgate starts with CMD, or a command
suite that runs CMD; sequential trials; process and host collectors) and the workflows in
.github/workflows/: the pull-request gate and its fork commenter, record on pushes, nightly, and
the sweep, on --runs-on (default ${RUNS_ON.join(',')}). --endpoint: GET:/items/1, POST:/embed, or
just a path (GET); default GET:/. Where CMD names the port, it becomes \${PERFGATE_PORT}, so both
sides of a check stay up side by side. --action: what the workflows' \`uses:\` names; by default
the GitHub repository this perfgate came from (its package.json, or the origin of its clone),
else OWNER/perfgate@v0 to fill in. Labels of a self-hosted runner that actionlint cannot know
go into .github/actionlint.yaml. Refuses to replace a file (exit 2) unless --force.`;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function endpoint(text: string): Endpoint {
  const match = /^(?:([A-Za-z]+):)?(\/\S*)$/.exec(text);
  const method = (match?.[1] ?? 'GET').toUpperCase();
  if (!match || !METHODS.includes(method)) {
    throw new InputError(
      `expected METHOD:/path or /path (methods ${METHODS.join(', ')}), got ${JSON.stringify(text)}`,
      {
        field: '--endpoint',
      },
    );
  }
  return { method, path: match[2] as string };
}

function workloadFrom(values: ParsedArgs['values']): Workload {
  const service = stringOption(values, 'service');
  const command = stringOption(values, 'command');
  if ((service === undefined) === (command === undefined)) {
    throw new InputError('give one workload: --service CMD (with --port) or --command CMD', {
      field: service === undefined ? '--service' : '--command',
    });
  }
  if (command !== undefined) return { kind: 'command', command };
  const port = wholeOption(values.port, '--port', { min: 1, max: 65535 });
  if (port === undefined) throw new InputError('is required with --service', { field: '--port' });
  const health = stringOption(values, 'health') ?? '/health';
  if (!health.startsWith('/')) {
    throw new InputError(`expected a path starting with /, got ${JSON.stringify(health)}`, {
      field: '--health',
    });
  }
  const endpoints = ((values.endpoint as string[] | undefined) ?? ['GET:/']).map(endpoint);
  return { kind: 'service', command: service as string, port, health, endpoints };
}

export const initCommand: Command = {
  summary: 'write a perfgate.yml and the workflows for this repository',
  usage: USAGE,
  options: {
    service: { type: 'string' },
    command: { type: 'string' },
    port: { type: 'string' },
    health: { type: 'string' },
    endpoint: { type: 'string', multiple: true },
    'runs-on': { type: 'string' },
    action: { type: 'string' },
    dir: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length > 0) {
      throw new InputError(`takes no arguments, got ${JSON.stringify(positionals.join(' '))}`);
    }
    const dir = path.resolve(io.cwd, stringOption(values, 'dir') ?? '.');
    const workload = workloadFrom(values);
    const runsOn = labelsOption(values['runs-on'], '--runs-on') ?? RUNS_ON;
    // Where this copy of perfgate lives: dist/ of a package or a clone (src/commands under tsx).
    const installedAt = path.dirname(fileURLToPath(import.meta.url));
    const action = await actionSource(stringOption(values, 'action'), installedAt);
    const { written, labelsToDeclare } = await initRepository({
      dir,
      workload,
      runsOn,
      action,
      force: values.force === true,
      env: io.env,
    });
    const shown = written.map((file) => `  ${escapeTerminal(displayPath(io.cwd, file))}`);
    const show = (text: string) => escapeTerminal(text);
    io.stdout(
      [
        'wrote',
        ...shown,
        '',
        action.from === undefined
          ? `uses: ${action.uses}: replace OWNER in the workflows with the owner of the perfgate action you use (or run init again with --action OWNER/perfgate@v0)`
          : `uses: ${show(action.uses)} (from ${action.from})`,
        ...(labelsToDeclare.length > 0
          ? [
              `actionlint: add ${labelsToDeclare.map(show).join(', ')} to self-hosted-runner.labels in your actionlint config`,
            ]
          : []),
        '',
        'next:',
        '  1. perfgate run --config perfgate.yml        # does it measure what you meant?',
        '  2. perfgate calibrate --config perfgate.yml --write   # thresholds that fit your runner',
        '  3. commit, push, and open a pull request: the gate comments on it',
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
