/**
 * @module vitest globalSetup: before any suite runs, check that the Redis and
 * PostgreSQL the tests use answer (BATON_TEST_REDIS_URL, BATON_TEST_PG_URL), and
 * when one does not, print one line saying which and how to start it, and stop
 * the run, instead of letting every engine suite fail on its own.
 * BATON_TEST_SERVICES=skip runs anyway (the engine suites then fail).
 */
import { Socket } from 'node:net';
import { PG_URL, REDIS_URL } from './engines.js';

/** True when a TCP connection to the URL's host and port opens within a second. */
function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => { done(false); });
    socket.once('error', () => { done(false); });
    socket.connect(Number(port || defaultPort), hostname.replace(/^\[|\]$/g, ''), () => { done(true); });
  });
}

export default async function checkServices(): Promise<void> {
  if (process.env['BATON_TEST_SERVICES'] === 'skip') return;
  const [redis, pg] = await Promise.all([reachable(REDIS_URL, 6379), reachable(PG_URL, 5432)]);
  const down = [
    ...(redis ? [] : [`Redis (${REDIS_URL}; start it: redis-server --daemonize yes --port 6379 --save "")`]),
    ...(pg ? [] : [`PostgreSQL (${PG_URL}; start it: pg_ctlcluster 15 main start)`]),
  ];
  if (down.length === 0) return;
  process.stderr.write(`\nbaton tests: ${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} down; start ${down.length > 1 ? 'them' : 'it'} (.ci/run does), point BATON_TEST_REDIS_URL / BATON_TEST_PG_URL elsewhere, or run \`npm run test:unit\` (no services).\n\n`);
  process.exit(1);
}
