/**
 * @module What every view shares: ISO times, seconds relative to now, and the rule
 * that no answer carries null, undefined or empty fields (a model pays for them).
 */

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Seconds from now until `at` (negative when past), rounded. */
export const secondsUntil = (at: number, now: number): number => Math.round((at - now) / 1000);
/** Seconds from `at` until now, rounded. */
export const secondsSince = (at: number, now: number): number => Math.round((now - at) / 1000);

/** The object without null, undefined, empty-string and empty-array fields. */
export function compact<T extends Record<string, unknown>>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out as T;
}
