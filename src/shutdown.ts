/**
 * What perfgate must undo if it is interrupted (SIGINT, SIGTERM) or exits while it runs: stop its
 * services, kill its setup steps' process groups, remove its worktrees. One registry for all of
 * them, because signals and exit are process-wide: one handler runs every cleanup, newest first
 * (a service in a worktree stops before the worktree goes), says in one line what it undid, and
 * then lets the signal do what it would have done. Handlers are installed only while something is
 * registered, so a perfgate that started nothing keeps Node's default signal behaviour.
 */

export interface Cleanup {
  /** What it undoes, counted in the line: "service", "setup step", "worktree". */
  what: string;
  /** On a signal: may take its time (a service's graceful stop). */
  interrupted(): Promise<void> | void;
  /** On exit only synchronous work runs: no grace. */
  exiting(): void;
}

const pending: Cleanup[] = [];

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function install(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.off(signal, onSignal);
  process.off('exit', onExit);
}

/** "2 services, 1 worktree": what the cleanups undid, by kind, in the order first registered. */
function undone(cleanups: readonly Cleanup[]): string {
  const counts = new Map<string, number>();
  for (const c of [...cleanups].reverse()) counts.set(c.what, (counts.get(c.what) ?? 0) + 1);
  return [...counts].map(([what, n]) => `${n} ${what}${n === 1 ? '' : 's'}`).join(', ');
}

function onSignal(signal: NodeJS.Signals): void {
  // A second signal during the cleanup takes the default path: the user insists.
  uninstall();
  const cleanups = pending.splice(0).reverse();
  void (async () => {
    for (const cleanup of cleanups) {
      await Promise.resolve()
        .then(() => cleanup.interrupted())
        .catch(() => undefined);
    }
    process.stderr.write(
      `perfgate: interrupted (${signal}); stopped and removed: ${undone(cleanups)}\n`,
    );
    process.kill(process.pid, signal);
  })();
}

function onExit(): void {
  for (const cleanup of pending.splice(0).reverse()) cleanup.exiting();
}

/** Undo `cleanup` should perfgate be interrupted or exit first; returns the release. */
export function onShutdown(cleanup: Cleanup): () => void {
  if (pending.length === 0) install();
  pending.push(cleanup);
  return () => {
    const index = pending.indexOf(cleanup);
    if (index >= 0) pending.splice(index, 1);
    if (pending.length === 0) uninstall();
  };
}
