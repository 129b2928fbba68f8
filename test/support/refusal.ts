/** @module The typed refusal a call ends in: tests assert on its code and hint. */
import { CoordinationError } from '../../src/core/errors.js';

/** Resolves to the CoordinationError `call` rejects with; fails the test when it succeeds or throws anything else. */
export async function refusal(call: Promise<unknown>): Promise<CoordinationError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof CoordinationError) return error;
    throw error;
  }
  throw new Error('The call succeeded.');
}
