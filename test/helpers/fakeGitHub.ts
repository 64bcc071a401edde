/**
 * A stand-in for GitHub's REST API (api.github.com), for tests only: a real HTTP server on
 * 127.0.0.1 holding one repository in memory. It is not GitHub; it mimics what perfgate calls, so
 * that octokit's own pagination, retry and throttling run against the responses GitHub sends:
 * - `GET /repos/{o}/{r}/issues/{n}/comments` paged by `per_page` (default 30, max 100) and `page`,
 *   with GitHub's `Link` header (`<url>; rel="prev", <url>; rel="next", <url>; rel="last",
 *   <url>; rel="first"`, only the relations that apply); comments in ascending id order.
 * - `POST .../issues/{n}/comments` (201; bodies over 65,536 characters get GitHub's 422) and
 *   `PATCH .../issues/comments/{id}`; the author is the user the token belongs to.
 * - `GET .../commits/{sha}/pulls`: like GitHub, it finds a merged pull request by the commit its
 *   merge put on the base branch, does not find a fork's pull request by its head commit (the
 *   commit lives in the fork), and answers GitHub's 422 "No commit found for SHA"
 *   for a commit it does not know (the head and base of every pull request, and those given to
 *   `addCommit`); `GET .../pulls?state=` and `GET .../pulls/{n}`.
 * - `GET /user`: the user the token belongs to.
 * - `GET .../issues?labels=&state=&creator=` (pull requests are issues too, as on GitHub: they
 *   carry a `pull_request` key), `POST .../issues`, `PATCH .../issues/{n}`.
 * Faults, per test: `failNext(n, 'secondary-rate-limit')` answers 403 with `retry-after: 1` and
 * GitHub's message while the primary limit is far from spent; `failNext(n, 500 | 502)`; a token
 * registered `readOnly` (a fork's `pull_request` token) gets 403 "Resource not accessible by
 * integration" on every write. Unknown routes and repositories answer 404 like GitHub.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getOctokit } from '@actions/github';

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}
export interface FakeComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
  author_association: string;
}
export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: { name: string }[];
  user: FakeUser;
  html_url: string;
  pull_request?: { url: string };
}
export interface FakeBranch {
  ref: string;
  sha: string;
  repo: { full_name: string } | null;
}
export interface FakePull {
  id: number;
  number: number;
  state: 'open' | 'closed';
  title: string;
  html_url: string;
  user: FakeUser;
  head: FakeBranch;
  base: FakeBranch;
  /** A merged pull request's time and the commit its merge put on the base branch. */
  merged_at: string | null;
  merge_commit_sha: string | null;
}
export type Fault = 'secondary-rate-limit' | 500 | 502;
export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

/** The identity a workflow's GITHUB_TOKEN comments as. */
export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
const DOCS = 'https://docs.github.com/rest';
const PULLS_OF_COMMIT_DOCS =
  'https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit';
const SECONDARY_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before trying again.';

export async function startFakeGitHub(fullName = 'octo-org/octo-repo') {
  const web = `https://github.com/${fullName}`;
  const comments: FakeComment[] = [];
  const issues: FakeIssue[] = [];
  const pulls: FakePull[] = [];
  /** Commits the repository has besides the heads and bases of its pull requests. */
  const commits = new Set<string>();
  const requests: LoggedRequest[] = [];
  const faults: Fault[] = [];
  const tokens = new Map<string, { user: FakeUser; readOnly: boolean }>();
  let nextId = 1000;
  let url = '';
  const now = () => new Date().toISOString();
  // Issues and pull requests share one number sequence on GitHub.
  const nextNumber = () =>
    Math.max(0, ...issues.map((i) => i.number), ...pulls.map((p) => p.number)) + 1;

  function addComment(
    issueNumber: number,
    body: string,
    user: FakeUser = ACTIONS_BOT,
  ): FakeComment {
    const id = nextId++;
    const kind = pulls.some((p) => p.number === issueNumber) ? 'pull' : 'issues';
    const comment: FakeComment = {
      id,
      node_id: `IC_${id}`,
      url: `${url}/repos/${fullName}/issues/comments/${id}`,
      html_url: `${web}/${kind}/${issueNumber}#issuecomment-${id}`,
      issue_url: `${url}/repos/${fullName}/issues/${issueNumber}`,
      body,
      user,
      created_at: now(),
      updated_at: now(),
      author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
    comments.push(comment);
    return comment;
  }
  function addIssue(fields: {
    title: string;
    body?: string;
    labels?: string[];
    state?: 'open' | 'closed';
    user?: FakeUser;
  }): FakeIssue {
    const number = nextNumber();
    const issue: FakeIssue = {
      id: nextId++,
      number,
      title: fields.title,
      body: fields.body ?? null,
      state: fields.state ?? 'open',
      labels: (fields.labels ?? []).map((name) => ({ name })),
      user: fields.user ?? ACTIONS_BOT,
      html_url: `${web}/issues/${number}`,
    };
    issues.push(issue);
    return issue;
  }
  function addPull(fields: {
    headSha: string;
    headRef?: string;
    headRepo?: string | null;
    baseRef?: string;
    state?: 'open' | 'closed';
    /** Merged (and so closed), with this commit on the base branch. */
    mergeCommit?: string;
    title?: string;
  }): FakePull {
    const number = nextNumber();
    const headRepo = fields.headRepo === undefined ? fullName : fields.headRepo;
    const pull: FakePull = {
      id: nextId++,
      number,
      state: fields.mergeCommit ? 'closed' : (fields.state ?? 'open'),
      title: fields.title ?? `PR ${number}`,
      html_url: `${web}/pull/${number}`,
      user: { login: 'octocat', id: 583231, type: 'User' },
      head: {
        ref: fields.headRef ?? `feature-${number}`,
        sha: fields.headSha,
        repo: headRepo === null ? null : { full_name: headRepo },
      },
      base: { ref: fields.baseRef ?? 'main', sha: 'b'.repeat(40), repo: { full_name: fullName } },
      merged_at: fields.mergeCommit ? now() : null,
      merge_commit_sha: fields.mergeCommit ?? null,
    };
    pulls.push(pull);
    return pull;
  }
  const asIssue = (p: FakePull): FakeIssue => ({
    id: p.id,
    number: p.number,
    title: p.title,
    body: null,
    state: p.state,
    labels: [],
    user: p.user,
    html_url: p.html_url,
    pull_request: { url: `${url}/repos/${fullName}/pulls/${p.number}` },
  });

  type Reply = [status: number, data: unknown, headers?: Record<string, string>];

  /** One page as GitHub serves it, with the Link header built from the request's own URL. */
  function page(items: unknown[], query: URLSearchParams, path: string): Reply {
    const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
    const current = Number(query.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const q = new URLSearchParams(query);
      q.set('page', String(n));
      return `<${url}${path}?${q}>; rel="${rel}"`;
    };
    const rels = [
      current > 1 ? link(current - 1, 'prev') : '',
      current < last ? link(current + 1, 'next') : '',
      current < last ? link(last, 'last') : '',
      current > 1 ? link(1, 'first') : '',
    ].filter(Boolean);
    return [
      200,
      items.slice((current - 1) * perPage, current * perPage),
      rels.length ? { link: rels.join(', ') } : {},
    ];
  }

  const notFound: Reply = [404, { message: 'Not Found', documentation_url: DOCS, status: '404' }];
  /** GitHub's 422 for a comment body that is missing or over 65,536 characters. */
  function badBody(body: unknown): Reply | undefined {
    if (typeof body === 'string' && body.length <= 65536) return undefined;
    const message =
      typeof body === 'string'
        ? 'body is too long (maximum is 65536 characters)'
        : 'body is missing';
    const errors = [{ resource: 'IssueComment', code: 'custom', field: 'body', message }];
    return [422, { message: 'Validation Failed', errors, documentation_url: DOCS, status: '422' }];
  }

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    input: Record<string, unknown>,
    user: FakeUser,
  ): Reply {
    // The token's own user, as GitHub answers it for a user's token.
    if (path === '/user' && method === 'GET') return [200, user];
    const prefix = `/repos/${fullName}`;
    if (!path.startsWith(`${prefix}/`)) return notFound;
    const rest = path.slice(prefix.length);
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^\/issues\/(\d+)\/comments$/))) {
      const n = Number(m[1]);
      if (!issues.some((i) => i.number === n) && !pulls.some((p) => p.number === n))
        return notFound;
      if (method === 'GET')
        return page(
          comments.filter((c) => c.issue_url.endsWith(`/issues/${n}`)),
          query,
          path,
        );
      if (method === 'POST')
        return badBody(input.body) ?? [201, addComment(n, String(input.body), user)];
    }
    if ((m = rest.match(/^\/issues\/comments\/(\d+)$/)) && method === 'PATCH') {
      const comment = comments.find((c) => c.id === Number(m?.[1]));
      if (!comment) return notFound;
      return (
        badBody(input.body) ?? [
          200,
          Object.assign(comment, { body: String(input.body), updated_at: now() }),
        ]
      );
    }
    if ((m = rest.match(/^\/commits\/([0-9a-f]{40})\/pulls$/)) && method === 'GET') {
      const sha = m[1] ?? '';
      const known =
        commits.has(sha) ||
        pulls.some((p) => p.head.sha === sha || p.base.sha === sha || p.merge_commit_sha === sha);
      // GitHub's answer for a SHA the repository (or its forks' network) does not have.
      if (!known) {
        const message = `No commit found for SHA: ${sha}`;
        return [422, { message, documentation_url: PULLS_OF_COMMIT_DOCS, status: '422' }];
      }
      return [
        200,
        // A merged pull request is found by the commit its merge put on the base branch too.
        pulls.filter(
          (p) =>
            (p.head.sha === sha && p.head.repo?.full_name === fullName) ||
            p.merge_commit_sha === sha,
        ),
      ];
    }
    if (rest === '/pulls' && method === 'GET') {
      const state = query.get('state') ?? 'open';
      return page(
        pulls.filter((p) => state === 'all' || p.state === state),
        query,
        path,
      );
    }
    if ((m = rest.match(/^\/pulls\/(\d+)$/)) && method === 'GET') {
      const pull = pulls.find((p) => p.number === Number(m?.[1]));
      return pull ? [200, pull] : notFound;
    }
    if (rest === '/issues' && method === 'GET') {
      const state = query.get('state') ?? 'open';
      const labels = query.get('labels')?.split(',').filter(Boolean) ?? [];
      const creator = query.get('creator');
      const all = [...issues, ...pulls.map(asIssue)].sort((a, b) => b.number - a.number);
      return page(
        all.filter(
          (i) =>
            (state === 'all' || i.state === state) &&
            (!creator || i.user.login === creator) &&
            labels.every((l) => i.labels.some((x) => x.name === l)),
        ),
        query,
        path,
      );
    }
    if (rest === '/issues' && method === 'POST') {
      const labels = Array.isArray(input.labels) ? input.labels.map(String) : [];
      return [
        201,
        addIssue({
          title: String(input.title),
          body: input.body as string | undefined,
          labels,
          user,
        }),
      ];
    }
    if ((m = rest.match(/^\/issues\/(\d+)$/)) && method === 'PATCH') {
      const issue = issues.find((i) => i.number === Number(m?.[1]));
      if (!issue) return notFound;
      if (typeof input.title === 'string') issue.title = input.title;
      if (typeof input.body === 'string') issue.body = input.body;
      if (input.state === 'open' || input.state === 'closed') issue.state = input.state;
      if (Array.isArray(input.labels))
        issue.labels = input.labels.map((name) => ({ name: String(name) }));
      return [200, issue];
    }
    return notFound;
  }

  function answer(req: IncomingMessage, raw: string): Reply {
    const fault = faults.shift();
    if (fault === 'secondary-rate-limit') {
      return [
        403,
        {
          message: SECONDARY_LIMIT_MESSAGE,
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
        },
        { 'retry-after': '1', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4990' },
      ];
    }
    if (fault) return [fault, { message: 'Server Error' }];
    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const identity = tokens.get(token) ?? { user: ACTIONS_BOT, readOnly: false };
    if (identity.readOnly && req.method !== 'GET') {
      return [
        403,
        {
          message: 'Resource not accessible by integration',
          documentation_url: DOCS,
          status: '403',
        },
      ];
    }
    let input: Record<string, unknown>;
    try {
      input = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return [400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' }];
    }
    const target = new URL(req.url ?? '/', url);
    return route(req.method ?? 'GET', target.pathname, target.searchParams, input, identity.user);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const [status, data, headers = {}] = answer(req, raw);
      const target = new URL(req.url ?? '/', url);
      requests.push({
        method: req.method ?? 'GET',
        path: target.pathname,
        query: Object.fromEntries(target.searchParams),
        status,
      });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(data));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    fullName,
    comments,
    issues,
    pulls,
    requests,
    addComment,
    addIssue,
    addPull,
    /** A commit of the repository that no pull request has as its head or base. */
    addCommit: (sha: string) => commits.add(sha),
    /** The next `count` requests, whatever they are, get this fault instead of an answer. */
    failNext: (count: number, fault: Fault) => faults.push(...Array<Fault>(count).fill(fault)),
    setToken: (token: string, identity: { user?: FakeUser; readOnly?: boolean }) =>
      tokens.set(token, {
        user: identity.user ?? ACTIONS_BOT,
        readOnly: identity.readOnly ?? false,
      }),
    commentsOn: (issueNumber: number) =>
      comments.filter((c) => c.issue_url.endsWith(`/issues/${issueNumber}`)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // octokit's fetch keeps connections alive; close would otherwise wait for them to idle out.
        server.closeAllConnections();
      }),
  };
}

export type FakeGitHub = Awaited<ReturnType<typeof startFakeGitHub>>;

/**
 * A client aimed at the fake without retry or throttling (their plugins are not installed yet),
 * so every fault surfaces; the github/ functions take whatever client they are given.
 */
export function plainClient(fake: FakeGitHub, token = 'ghs_fake') {
  return getOctokit(token, { baseUrl: fake.url });
}
