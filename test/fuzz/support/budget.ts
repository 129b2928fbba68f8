/**
 * @module How long and how hard a fuzz suite runs. By default: a fixed seed and a
 * time budget per suite, so `npm test` stays within about a minute and a failure
 * replays. BATON_FUZZ_SECONDS sets the budget; BATON_FUZZ_RUNS runs exactly that
 * many cases instead (no time limit); BATON_FUZZ_SEED picks another seed.
 */
import fc from 'fast-check';

export interface FuzzBudget {
  seed: number;
  /** fast-check parameters: the seed, the number of runs, and the time limit when there is one. */
  parameters: fc.Parameters<unknown>;
  /** For the vitest timeout of the test that runs the property. */
  testTimeoutMs: number;
}

const envNumber = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not '${raw}'.`);
  return value;
};

/** The budget of one suite; `defaultSeconds` applies when neither variable is set. */
export function fuzzBudget(defaultSeconds: number): FuzzBudget {
  const seed = envNumber('BATON_FUZZ_SEED') ?? 20_260_701;
  const runs = envNumber('BATON_FUZZ_RUNS');
  if (runs !== undefined) return { seed, parameters: { seed, numRuns: runs, endOnFailure: true }, testTimeoutMs: 120_000 + runs * 1_000 };
  const seconds = envNumber('BATON_FUZZ_SECONDS') ?? defaultSeconds;
  return {
    seed,
    // Runs until the time is up; an interrupted run that found nothing is a pass.
    parameters: { seed, numRuns: 1_000_000, endOnFailure: true, plugins: [fc.interruptAfterTimeLimit(seconds * 1000)] },
    testTimeoutMs: (seconds + 60) * 1000,
  };
}
