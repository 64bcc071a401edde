/**
 * The event a workflow run answers, read once into a typed object from the variables and the
 * payload file GitHub Actions provides. Parsing is pure, over (env, payload), so tests feed it
 * real-shaped payloads; nothing here reads `@actions/github`'s import-time context.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.js';

const repoName = z.object({ full_name: z.string() });
const payloadSchema = z.object({
  // Absent from the oldest `schedule` payloads, which held only `{ "schedule": "<cron>" }`.
  repository: z.object({ default_branch: z.string() }).optional(),
  pull_request: z
    .object({
      number: z.number(),
      base: z.object({ ref: z.string(), sha: z.string(), repo: repoName }),
      // `repo` is null once the fork is deleted.
      head: z.object({ sha: z.string(), repo: repoName.nullable() }),
    })
    .optional(),
  workflow_run: z
    .object({
      id: z.number(),
      head_sha: z.string(),
      head_branch: z.string().nullable(),
      event: z.string(),
      conclusion: z.string().nullable(),
    })
    .optional(),
});

export type EventEnv = Partial<
  Record<
    'GITHUB_EVENT_NAME' | 'GITHUB_EVENT_PATH' | 'GITHUB_REPOSITORY' | 'GITHUB_REF' | 'GITHUB_SHA',
    string
  >
>;

export interface EventContext {
  eventName: string;
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  defaultBranch?: string;
  pullRequest?: {
    number: number;
    baseRef: string;
    baseSha: string;
    headSha: string;
    isFork: boolean;
  };
  workflowRun?: {
    id: number;
    headSha: string;
    headBranch: string | null;
    event: string;
    conclusion: string | null;
  };
}

export function parseEventContext(env: EventEnv, payload: unknown): EventContext {
  const source = env.GITHUB_EVENT_PATH ?? 'event payload';
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue?.message ?? 'invalid', {
      file: source,
      field: issue?.path.join('.'),
    });
  }
  const { repository, pull_request: pr, workflow_run: run } = parsed.data;
  const [owner, repo, ...extra] = required(env, 'GITHUB_REPOSITORY').split('/');
  if (!owner || !repo || extra.length > 0) {
    throw new InputError('expected owner/name', { field: 'GITHUB_REPOSITORY' });
  }
  return {
    eventName: required(env, 'GITHUB_EVENT_NAME'),
    owner,
    repo,
    sha: required(env, 'GITHUB_SHA'),
    ref: env.GITHUB_REF ?? '',
    defaultBranch: repository?.default_branch,
    pullRequest: pr && {
      number: pr.number,
      baseRef: pr.base.ref,
      baseSha: pr.base.sha,
      headSha: pr.head.sha,
      isFork: pr.head.repo?.full_name !== pr.base.repo.full_name,
    },
    workflowRun: run && {
      id: run.id,
      headSha: run.head_sha,
      headBranch: run.head_branch,
      event: run.event,
      conclusion: run.conclusion,
    },
  };
}

/** The thin reader: the live environment and the payload file it names (none when run locally). */
export function readEventContext(env: EventEnv = process.env): EventContext {
  const path = env.GITHUB_EVENT_PATH;
  return parseEventContext(env, path ? JSON.parse(readFileSync(path, 'utf8')) : {});
}

/**
 * May this run write history? Only code already on the default branch: a push to it, the nightly
 * schedule (GitHub runs schedules on the default branch only), or a manual dispatch of it. Pull
 * requests and `workflow_run` (which carries a PR's untrusted results) never may.
 */
export function isTrustedEvent(ctx: EventContext): boolean {
  const onDefaultBranch =
    ctx.defaultBranch !== undefined && ctx.ref === `refs/heads/${ctx.defaultBranch}`;
  switch (ctx.eventName) {
    case 'schedule':
      return true;
    case 'push':
    case 'workflow_dispatch':
      return onDefaultBranch;
    default:
      return false;
  }
}

function required(env: EventEnv, name: keyof EventEnv): string {
  const value = env[name];
  if (!value)
    throw new InputError('is not set; GitHub Actions sets it for every run', { field: name });
  return value;
}
