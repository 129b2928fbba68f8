/**
 * @module A hand-driven Clock for tests: time moves only when the test says so,
 * so expiry is exercised at exact boundaries without sleeping.
 */
import type { Clock } from '../../core/ports.js';

export interface FakeClock extends Clock {
  /** Moves time forward by `ms` (negative values are refused: time never runs back). */
  advance(ms: number): void;
  /** Jumps to an absolute epoch-ms time, which must not be earlier than now. */
  set(ms: number): void;
}

/** 2023-11-14T22:13:20Z: a fixed, realistic epoch so times read well in failures. */
const FAKE_CLOCK_START = 1_700_000_000_000;

export function createFakeClock(startMs: number = FAKE_CLOCK_START): FakeClock {
  let current = startMs;
  const moveTo = (next: number): void => {
    if (!Number.isFinite(next) || next < current) throw new RangeError(`A fake clock only moves forward (now ${current}, asked for ${next}).`);
    current = next;
  };
  return {
    now: () => current,
    advance: (ms) => { moveTo(current + ms); },
    set: (ms) => { moveTo(ms); },
  };
}
