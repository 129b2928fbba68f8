/**
 * @module Adapts a synchronous repository (better-sqlite3 answers synchronously)
 * to the async Repository the shared operations use: results resolve, throws reject.
 */
import type { Repository } from './repository.js';

/** The Repository with every method answering synchronously. */
export type SyncRepository = {
  [K in keyof Repository]: Repository[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};

export function toAsync(sync: SyncRepository): Repository {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(sync) as [string, (...args: unknown[]) => unknown][]) {
    wrapped[name] = (...args: unknown[]) => {
      try {
        return Promise.resolve(method(...args));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
  }
  return wrapped as unknown as Repository;
}
