/**
 * @module Input field schemas shared by several commands, with their limits.
 */
import { z } from 'zod';
import { CoordinationError } from '../core/errors.js';

export const ttlSeconds = z.number().int().min(1).max(86_400).optional().describe('Seconds (default 900).');
export const waitSeconds = z.number().min(0).max(3_600).optional().describe('A re-call keeps your place.');
export const idField = z.string().min(1).max(128).regex(/^[A-Za-z0-9_\-.:@]+$/, 'letters, digits and _ - . : @ only');
export const shortText = z.string().max(500);
export const longText = z.string().max(20_000);
export const stringList = (max: number, item = z.string().min(1).max(200)) => z.array(item).max(max);
/** Any JSON value (advertised as {}: a model needs no words for it). */
export const jsonValue = z.json();

/** Milliseconds from an optional seconds field, with a default. */
export const ms = (seconds: number | undefined, fallbackMs: number): number => (seconds === undefined ? fallbackMs : seconds * 1000);

/** LIMIT_EXCEEDED when a JSON value serialises to more than `limit` bytes. */
export function assertJsonSize(value: unknown, limit: number, field: string): void {
  if (value === undefined) return;
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > limit) throw new CoordinationError('LIMIT_EXCEEDED', `${field} is ${bytes} bytes; the limit is ${limit}.`, { field, limit, bytes });
}

