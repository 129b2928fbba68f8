/**
 * @module Group commit for engines shared by several coordinator processes
 * (PostgreSQL, Redis). Steps of one project queue up and run as one batch over
 * the project's cache; the batch's plan is applied with one revision-checked call
 * (one round trip when the cache is warm). On a revision conflict the cache is
 * dropped and the batch runs again on fresh rows; after repeated conflicts it runs
 * holding the project exclusively, so it cannot starve. A batch that writes
 * nothing still checks the revision, so no answer rests on a stale cache.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CoordinationError, isCoordinationError } from '../../core/errors.js';
import type { Written } from '../store.js';
import type { Header } from '../step/header.js';
import type { Plan } from '../step/plan.js';
import type { Read } from '../step/reads.js';
import { batchPlan, runStepAsync, type Source, type Step, type StepGuard } from '../step/runner.js';
import { ProjectCache, type HotRows } from './project-cache.js';

/** How an engine loads rows for the cache; the cache asks only for what it misses. */
export interface RowLoader {
  hot(project: string): Promise<HotRows>;
  /** Answers a read the cache cannot (task, the whole ready or claimed set, dependants, state, a scope, a request). */
  load(project: string, read: Read): Promise<unknown>;
}

export type ApplyResult = { applied: true; rev: number } | { applied: false };

/** One way of touching the engine: optimistically, or while holding the project. */
export interface EngineAccess {
  loader: RowLoader;
  /** Applies `plan` if the project is still at `plan.base.rev` (or still absent, for a plan that creates it). */
  apply(plan: Plan): Promise<ApplyResult>;
  /** Whether the project is still at `header` (null: still absent). */
  unchanged(project: string, header: Header | null): Promise<boolean>;
}

export interface OptimisticDriver extends EngineAccess {
  /** Runs `work` holding the project exclusively: no other process applies to it meanwhile. */
  exclusive<T>(project: string, work: (access: EngineAccess) => Promise<T>): Promise<T>;
  /** An engine failure as a catalog error. */
  translate(error: unknown): CoordinationError;
  /**
   * Called when a project this process knew at `lastKnown` is found absent: projects are
   * never deleted, so the engine lost its data. The driver may restore what it can (the
   * counters, so fencing tokens and event ids keep growing) before the batch runs again.
   */
  recover?(project: string, lastKnown: Header): Promise<void>;
}

interface Job {
  now: number;
  guard: StepGuard;
  step: Step<unknown>;
  resolve: (value: Written<unknown>) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: Written<unknown> } | { ok: false; error: unknown };

const OPTIMISTIC_ATTEMPTS = 3;
const MAX_CACHED_PROJECTS = 1_000;

/** A cache as a step source: hits answer at once; a miss loads, is remembered, and answers. */
function cacheSource(cache: ProjectCache, loader: RowLoader, guessRequests: boolean): Source {
  return {
    load(project, read) {
      const cached = cache.answer(read);
      if (cached.hit) return cached.value;
      // A request id this process has not seen is taken as new; the apply refuses the plan if it is not.
      if (read.t === 'request' && guessRequests) return null;
      if (isHot(read)) {
        return loader.hot(project).then((rows) => {
          cache.takeHot(rows);
          const answered = cache.answer(read);
          return answered.hit ? answered.value : null;
        });
      }
      // Ready and claimed sets load whole: once remembered, the cache answers the read's own filter and limit.
      return loader.load(project, read).then((value) => {
        cache.remember(read, value);
        const answered = cache.answer(read);
        return answered.hit ? answered.value : value;
      });
    },
  };
}

const isHot = (read: Read): boolean =>
  read.t === 'member' || read.t === 'members' || read.t === 'silentMembers' || read.t === 'lease' || read.t === 'leasesOn' || read.t === 'leases' || read.t === 'leasesOf' || read.t === 'waiters';

export interface OptimisticEngine {
  run<T>(project: string, now: number, guard: StepGuard, step: Step<T>): Promise<Written<T>>;
  /** Drops every cached project (the engine lost its data, or the caller cannot trust the cache). */
  forget(): void;
  /** The header of every cached project, as this process last applied or loaded it. */
  headers(): Map<string, Header>;
  /** Drops cached request records older than `before` (the engine purged them). */
  forgetRequests(before: number): void;
  /** Resolves once no batch is running. */
  drain(): Promise<void>;
}

export function createOptimisticEngine(driver: OptimisticDriver, options: { maxBatch?: number } = {}): OptimisticEngine {
  const maxBatch = options.maxBatch ?? 64;
  const queues = new Map<string, Job[]>();
  const caches = new Map<string, ProjectCache>();
  const running = new Set<Promise<void>>();

  const cacheOf = (project: string): ProjectCache => {
    let cache = caches.get(project);
    if (cache) {
      // Most recently used last, so the first entry is the one to evict.
      caches.delete(project);
    } else {
      cache = new ProjectCache();
      if (caches.size >= MAX_CACHED_PROJECTS) caches.delete(caches.keys().next().value as string);
    }
    caches.set(project, cache);
    return cache;
  };

  /** One try at a batch: 'conflict' when the project moved under it. */
  async function attempt(project: string, jobs: Job[], cache: ProjectCache, access: EngineAccess, guessRequests: boolean, known: Header | null): Promise<Outcome[] | 'conflict'> {
    if (!cache.warm) {
      let hot = await access.loader.hot(project);
      if (hot.header === null && known !== null && driver.recover) {
        await driver.recover(project, known);
        hot = await access.loader.hot(project);
      }
      cache.takeHot(hot);
    }
    const header = cache.header ?? null;
    const source = cacheSource(cache, access.loader, guessRequests);
    const first = jobs[0];
    const plan = batchPlan(project, header, first?.now ?? 0);
    const outcomes: Outcome[] = [];
    for (const job of jobs) {
      try {
        const out = await runStepAsync(source, plan, job.now, job.guard, job.step);
        plan.absorb(out.plan);
        outcomes.push({ ok: true, value: { result: out.result, events: out.plan.events } });
      } catch (error) {
        if (!isCoordinationError(error)) throw error;
        outcomes.push({ ok: false, error });
      }
    }
    const succeeded = outcomes.some((o) => o.ok);
    if (succeeded && (!plan.isEmpty || plan.creates)) {
      const applied = await access.apply(plan);
      if (!applied.applied) return 'conflict';
      cache.absorb(plan, applied.rev);
      return outcomes;
    }
    return (await access.unchanged(project, header)) ? outcomes : 'conflict';
  }

  async function runBatch(project: string, jobs: Job[]): Promise<void> {
    let outcomes: Outcome[] | 'conflict' = 'conflict';
    // The last header this process saw for the project, to notice one that vanished.
    let known: Header | null = caches.get(project)?.header ?? null;
    try {
      for (let tries = 0; outcomes === 'conflict'; tries++) {
        if (tries < OPTIMISTIC_ATTEMPTS) {
          const cache = cacheOf(project);
          outcomes = await attempt(project, jobs, cache, driver, tries === 0, known);
          known = cache.header ?? known;
        } else {
          outcomes = await driver.exclusive(project, (access) => {
            const fresh = new ProjectCache();
            return attempt(project, jobs, fresh, access, false, known).then((result) => {
              if (result !== 'conflict') caches.set(project, fresh);
              return result;
            });
          });
        }
        if (outcomes === 'conflict') {
          caches.delete(project);
          if (tries >= OPTIMISTIC_ATTEMPTS) await sleep(5 + Math.random() * 20);
          if (tries > OPTIMISTIC_ATTEMPTS + 20) throw new CoordinationError('STORE_UNAVAILABLE', `Project '${project}' is under too much contention; retry shortly.`);
        }
      }
    } catch (error) {
      // What the engine holds is unknown after a failure mid-batch: reload next time.
      caches.delete(project);
      const failure = isCoordinationError(error) ? error : driver.translate(error);
      for (const job of jobs) job.reject(failure);
      return;
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) job.resolve(outcome.value);
      else job.reject(outcome?.error);
    });
  }

  async function drain(project: string, queue: Job[]): Promise<void> {
    try {
      while (queue.length > 0) await runBatch(project, queue.splice(0, maxBatch));
    } finally {
      queues.delete(project);
    }
  }

  return {
    run<T>(project: string, now: number, guard: StepGuard, step: Step<T>): Promise<Written<T>> {
      return new Promise<Written<T>>((resolve, reject) => {
        const job: Job = { now, guard, step, resolve: resolve as (value: Written<unknown>) => void, reject };
        const queue = queues.get(project);
        if (queue) {
          queue.push(job);
          return;
        }
        const fresh = [job];
        queues.set(project, fresh);
        const done = drain(project, fresh);
        running.add(done);
        void done.finally(() => running.delete(done));
      });
    },
    forget() {
      caches.clear();
    },
    headers() {
      const out = new Map<string, Header>();
      for (const [project, cache] of caches) if (cache.header) out.set(project, cache.header);
      return out;
    },
    forgetRequests(before) {
      for (const cache of caches.values()) cache.forgetRequests(before);
    },
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
