// A git smart-HTTP remote on 127.0.0.1 that authenticates the way GitHub does for a job's token:
// every request must carry exactly one `Authorization: basic base64(x-access-token:TOKEN)`.
// node:http checks the header and hands the request to `git http-backend` (CGI), so the store is
// tested against real git on both ends, with the failures a workflow would see.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface GitHttpServerOptions {
  /** The folder whose bare repositories are served: `<url>/<name>.git`. */
  projectRoot: string;
  /** A token that may read and push (`permissions: contents: write`). */
  token: string;
  /** A token that may only read (`permissions: contents: read`). */
  readOnlyToken?: string;
}

export interface GitHttpRequest {
  method: string;
  path: string;
  status: number;
  /** Body bytes received (a push's pack, a fetch's wants) and sent (a fetch's pack). */
  received: number;
  sent: number;
}

export interface GitHttpServer {
  /** `http://127.0.0.1:PORT/`, the prefix an actions/checkout extraheader is keyed by. */
  url: string;
  /** Requests answered, for tests that count round trips or look at what was refused. */
  requests: GitHttpRequest[];
  close(): Promise<void>;
}

/** The extraheader value actions/checkout writes for `token`. */
export function authorizationHeader(token: string): string {
  return `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const server = createServer((request, response) => {
    let received = 0;
    let sent = 0;
    request.on('data', (chunk: Buffer) => (received += chunk.length));
    response.on('finish', () =>
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        status: response.statusCode,
        received,
        sent,
      }),
    );
    const refusal = refuse(request, options);
    if (refusal) {
      request.resume();
      sent = Buffer.byteLength(refusal.body);
      response.writeHead(refusal.status, refusal.headers).end(refusal.body);
      return;
    }
    serveCgi(request, response, options.projectRoot, (bytes) => (sent = bytes));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** GitHub's answer to a request it will not serve, or undefined to serve it. */
function refuse(request: IncomingMessage, options: GitHttpServerOptions): Refusal | undefined {
  const given = authorizationValues(request);
  // GitHub rejects a request that carries the header twice (an extraheader configured twice).
  if (given.length > 1) return text(400, 'Duplicate header: "Authorization"');
  const token = given.length === 1 ? tokenOf(given[0]!) : undefined;
  if (token !== options.token && token !== options.readOnlyToken) {
    return {
      status: 401,
      headers: { 'WWW-Authenticate': 'Basic realm="GitHub"', 'Content-Type': 'text/plain' },
      body: 'Unauthorized\n',
    };
  }
  if (token !== options.token && pushes(request)) {
    // Shown by git as `remote: …`, as GitHub's message for a token without write access is.
    return text(403, 'Permission to owner/repo.git denied to github-actions[bot].');
  }
  return undefined;
}

function text(status: number, body: string): Refusal {
  return { status, headers: { 'Content-Type': 'text/plain' }, body: `${body}\n` };
}

/** Every Authorization header as sent: node would merge or drop repeated ones in `headers`. */
function authorizationValues(request: IncomingMessage): string[] {
  const raw = request.rawHeaders;
  return raw.filter((_, i) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'authorization');
}

/** The token of a GitHub-style Basic credential (`x-access-token:TOKEN`), if it is one. */
function tokenOf(header: string): string | undefined {
  const match = /^basic\s+(\S+)$/i.exec(header.trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  return decoded.startsWith('x-access-token:')
    ? decoded.slice('x-access-token:'.length)
    : undefined;
}

/** Both legs of a push: the ref advertisement and the pack upload. */
function pushes(request: IncomingMessage): boolean {
  return (request.url ?? '').includes('git-receive-pack');
}

/** Run `git http-backend` for one request: CGI variables in, CGI headers and body out. */
function serveCgi(
  request: IncomingMessage,
  response: ServerResponse,
  projectRoot: string,
  sending: (bytes: number) => void,
): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const header = (name: string) => request.headers[name]?.toString() ?? '';
  const backend = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '',
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: request.method ?? 'GET',
      CONTENT_TYPE: header('content-type'),
      // Without a length http-backend reads to EOF, which is what a chunked body needs.
      ...(request.headers['content-length'] ? { CONTENT_LENGTH: header('content-length') } : {}),
      HTTP_CONTENT_ENCODING: header('content-encoding'),
      HTTP_GIT_PROTOCOL: header('git-protocol'),
      // http-backend enables receive-pack only for an authenticated user.
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  request.pipe(backend.stdin);
  const chunks: Buffer[] = [];
  backend.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  backend.stderr.resume();
  backend.on('close', () => {
    const { status, headers, body } = parseCgi(Buffer.concat(chunks));
    sending(body.length);
    response.writeHead(status, headers).end(body);
  });
}

/** Split CGI output into its status (the `Status:` header, 200 without one), headers and body. */
function parseCgi(output: Buffer): {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
} {
  const crlf = output.indexOf('\r\n\r\n');
  const end = crlf >= 0 ? crlf : output.indexOf('\n\n');
  const separator = crlf >= 0 ? 4 : 2;
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of output.subarray(0, Math.max(end, 0)).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  return { status, headers, body: end >= 0 ? output.subarray(end + separator) : Buffer.alloc(0) };
}
