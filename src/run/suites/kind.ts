/**
 * What a suite kind is to the runner: how it measures one trial, how it warms up, and whether it
 * can run on this machine at all. One file per kind (http.ts, command.ts) and one line in the
 * registry (index.ts); its schema is in config/schema.ts, the leaf every layer reads its types
 * from.
 */
import type { TrialMetric } from '../../collect/types.js';
import type { Suite, Variant } from '../../config/index.js';
import type { Progress } from '../progress.js';

/** What a trial of a suite runs with. */
export interface KindContext {
  variant: Variant;
  /** The trial's number (0 for a warm-up): command suites pass it on. */
  trial: number;
  env: NodeJS.ProcessEnv;
  progress: Progress;
}

export interface SuiteKind<S extends Suite> {
  /** One measured trial; `signal` aborts it (the service died). */
  measure(
    suite: S,
    context: KindContext,
    signal: AbortSignal,
  ): Promise<{ metrics: TrialMetric[]; notes: string[] }>;
  /** The same load for `suite.warmupSeconds`, its numbers discarded. */
  warmUp(suite: S, context: KindContext, signal: AbortSignal): Promise<unknown>;
  /**
   * The environment of the process a trial starts, for the collectors that follow it (the GPUs
   * it may use); absent for a kind that starts none (http loads from perfgate's own process).
   */
  processEnv?(suite: S, context: Pick<KindContext, 'variant' | 'env'>): NodeJS.ProcessEnv;
  /** Why the suite cannot run here (a missing binary), or undefined: it is then skipped, with a note. */
  skipReason?(suite: S, env: NodeJS.ProcessEnv): Promise<string | undefined>;
}
