/**
 * How much throughput perfgate's HTTP runner (autocannon, in JavaScript) reaches compared with
 * wrk (C) against the same server: the generator costs about a core (DESIGN.md, "Measuring"),
 * so on a small runner it may measure itself. Run: npx tsx benchmarks/http-vs-wrk.ts [rounds]
 *
 * A minimal node:http server runs in a child process; wrk and runHttpTrial take turns (A B A B,
 * so drifting co-tenant load hits both alike), 5 s each with 10 connections, and the ratio of
 * the medians of their requests/s is printed, with the median of the per-round ratios and both
 * p50 latencies.
 */
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { median } from 'simple-statistics';
import { runHttpTrial } from '../src/run/http.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const SECONDS = 5;
const CONNECTIONS = 10;
const WRK = '/usr/bin/wrk';

interface Measure {
  requestsPerSecond: number;
  p50Ms: number;
}

const SERVER = `require('node:http')
  .createServer((req, res) => res.end('hello world'))
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

/** wrk's summary: "Requests/sec:  41234.56" and, with --latency, "50%  236.00us". */
function parseWrk(output: string): Measure {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p50 = /^\s*50%\s+([\d.]+)(us|ms|s)\s*$/m.exec(output);
  if (!rps?.[1] || !p50?.[1] || !p50[2]) throw new Error(`cannot parse wrk output:\n${output}`);
  const toMs = { us: 1e-3, ms: 1, s: 1e3 }[p50[2] as 'us' | 'ms' | 's'];
  return { requestsPerSecond: Number(rps[1]), p50Ms: Number(p50[1]) * toMs };
}

async function wrk(url: string): Promise<Measure> {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url];
  const { stdout } = await promisify(execFile)(WRK, args);
  return parseWrk(stdout);
}

async function perfgate(url: string): Promise<Measure & { cpu: number }> {
  const { metrics } = await runHttpTrial({
    baseUrl: url,
    requests: [{ path: '/' }],
    connections: CONNECTIONS,
    pipelining: 1,
    durationSeconds: SECONDS,
    timeoutSeconds: 10,
  });
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return {
    requestsPerSecond: get('requests_per_second'),
    p50Ms: get('latency_p50'),
    cpu: get('generator_cpu'),
  };
}

const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const [firstLine] = (await once(server.stdout, 'data')) as [Buffer];
  const url = `http://127.0.0.1:${firstLine.toString().trim()}/`;
  console.log(`server ${url} (child pid ${server.pid}), ${ROUNDS} rounds of ${SECONDS} s each`);
  const wrkRuns: Measure[] = [];
  const ourRuns: Measure[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const a = await wrk(url);
    const b = await perfgate(url);
    wrkRuns.push(a);
    ourRuns.push(b);
    console.log(
      `round ${round}: wrk ${a.requestsPerSecond.toFixed(0)} req/s p50 ${a.p50Ms.toFixed(3)}ms | ` +
        `perfgate ${b.requestsPerSecond.toFixed(0)} req/s p50 ${b.p50Ms.toFixed(3)}ms ` +
        `generator_cpu ${b.cpu.toFixed(0)}%`,
    );
  }
  const medianOf = (runs: Measure[], key: keyof Measure) => median(runs.map((r) => r[key]));
  const ratio = medianOf(ourRuns, 'requestsPerSecond') / medianOf(wrkRuns, 'requestsPerSecond');
  console.log(
    `median req/s: wrk ${medianOf(wrkRuns, 'requestsPerSecond').toFixed(0)}, ` +
      `perfgate ${medianOf(ourRuns, 'requestsPerSecond').toFixed(0)}; ` +
      `ratio perfgate/wrk = ${ratio.toFixed(3)} (target >= 0.85)`,
  );
  // Each round's pair ran back to back, so its ratio cancels load that drifts between rounds.
  const paired = median(ourRuns.map((b, i) => b.requestsPerSecond / wrkRuns[i]!.requestsPerSecond));
  console.log(`median of per-round ratios perfgate/wrk = ${paired.toFixed(3)}`);
  console.log(
    `median p50: wrk ${medianOf(wrkRuns, 'p50Ms').toFixed(3)} ms, ` +
      `perfgate ${medianOf(ourRuns, 'p50Ms').toFixed(3)} ms`,
  );
} finally {
  server.kill();
}
