/**
 * @module Fuzz of every REST route in the OpenAPI document, against the built
 * server process on SQLite: inputs shaped by each operation's schemas and hostile
 * ones, sent one to three at a time. No answer may be a 5xx, every refusal is the
 * typed error body, every call answers in time, the server keeps serving, and a
 * canary in another project is exactly intact afterwards. Budget: support/budget.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../src/core/errors.js';
import { ALIAS_ROUTES, ROUTES } from '../../src/transports/rest/routes.js';
import { cleanupAll, type ServerProcess } from '../support/server.js';
import { fuzzBudget } from './support/budget.js';
import { caseOf, describeCase, operationsOf, send, type Operation } from './support/rest-cases.js';
import { expectCanaryIntact, rejoinFuzzAgents, seedFuzzProject, startFuzzServer, writeCanary, type Canary } from './support/world.js';

const budget = fuzzBudget(40);
/** Waits are capped at 1 s on the fuzz server: an answer slower than this is a hang. */
const CALL_TIMEOUT_MS = 15_000;
/** Fuzzed sign_off calls sign the seeded agents off; they rejoin this often (in runs) so later calls go deep. */
const REJOIN_EVERY = 25;
let runs = 0;

let server: ServerProcess;
let operations: Operation[];
let canary: Canary;

beforeAll(async () => {
  server = await startFuzzServer();
  operations = operationsOf(await (await fetch(`${server.url}/api/v1/openapi.json`)).json());
  await seedFuzzProject(server.url);
  canary = await writeCanary(server.url);
});
afterAll(cleanupAll);

function checkAnswer(status: number, text: string, what: string): void {
  if (status >= 500) throw new Error(`${status} for ${what}: ${text.slice(0, 500)}`);
  // 0: an oversize body the server cut before reading it (see send); the run checks /health at the end.
  if (status < 400) return;
  let body: { error?: { code?: unknown; message?: unknown; hint?: unknown } } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`${status} without a JSON body for ${what}: ${text.slice(0, 300)}`);
  }
  const error = body?.error;
  if (typeof error?.code !== 'string' || !(error.code in ERROR_CATALOG) || typeof error.message !== 'string' || typeof error.hint !== 'string') {
    throw new Error(`${status} without the typed error body for ${what}: ${text.slice(0, 300)}`);
  }
}

describe('REST routes under fuzzed input', () => {
  it('covers every route of the REST API, as the OpenAPI document lists them', () => {
    expect(operations.map((o) => o.operationId).sort()).toEqual([...Object.keys(ROUTES), ...ALIAS_ROUTES.map((a) => a.name)].sort());
  });

  it(
    'never answer 5xx, always type their refusals, never hang, and leave other projects intact',
    async () => {
      const anyCase = fc.oneof(...operations.map(caseOf));
      await fc.assert(
        fc.asyncProperty(fc.array(anyCase, { minLength: 1, maxLength: 3 }), async (cases) => {
          if (++runs % REJOIN_EVERY === 0) await rejoinFuzzAgents(server.url);
          await Promise.all(
            cases.map(async (c) => {
              const answer = await send(server.url, c, CALL_TIMEOUT_MS).catch((error: unknown) => {
                throw new Error(`no answer within ${CALL_TIMEOUT_MS} ms for ${describeCase(c)}: ${String(error)}`);
              });
              checkAnswer(answer.status, answer.text, describeCase(c));
            }),
          );
        }),
        budget.parameters,
      );
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      await expectCanaryIntact(server.url, canary);
      // The server logs pino JSON lines: an unexpected failure is "command NAME failed" at level error.
      expect(server.stderr()).not.toMatch(/command \S+ failed/);
    },
    budget.testTimeoutMs,
  );
});
