/**
 * @module Shared state: scoped JSON values with a version for compare-and-set and
 * an optional expiry.
 */
import { invalidInput } from '../errors.js';

export interface StateEntry {
  project: string;
  scope: string;
  key: string;
  value: unknown;
  version: number;
  updatedAt: number;
  updatedBy: string | null;
  expiresAt: number | null;
}

const NAME = /^[A-Za-z0-9_\-.:/@]{1,200}$/;

export function assertStateName(field: 'scope' | 'key', value: string): void {
  if (!NAME.test(value)) {
    throw invalidInput(`${field} '${value.slice(0, 80)}' is not valid: 1 to 200 of letters, digits and _ - . : / @.`, { field });
  }
}
