/**
 * @module The request a piece of work belongs to, across awaits (AsyncLocalStorage):
 * the HTTP app enters it for every request, and the log adds its id to every line
 * written meanwhile, by the hub and the store too, which know nothing of HTTP.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ requestId: string }>();

/** Runs the rest of the current request (this call and what it awaits) under `requestId`. */
export function enterRequest(requestId: string): void {
  storage.enterWith({ requestId });
}

/** The id of the request being handled, if any. */
export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;
