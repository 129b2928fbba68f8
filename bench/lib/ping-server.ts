/**
 * @module The trivial HTTP baseline: a bare Fastify app whose one route,
 * GET /ping, answers {ok:true}. Run as its own process (like the server under
 * test), it prints its URL first and stops on SIGTERM. What the REST API does per
 * request beyond this is Baton's own cost.
 *
 * Run: node --import tsx bench/lib/ping-server.ts
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/ping', () => Promise.resolve({ ok: true }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
