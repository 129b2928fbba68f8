/**
 * @module The protected resource of the lock scenario: an HTTP "fenced register"
 * that accepts a write for a lock only when its token is at least the highest
 * token it has accepted for that lock (the holder's own later writes carry the
 * same token), and records every attempted write with its own clock. A refused
 * write is a holder that still believed it held the lock after a newer holder
 * had written: two holders at once.
 */
import { createServer, type Server } from 'node:http';
import { clock, type RegisterWrite } from './history.js';

export interface FencedRegister {
  readonly url: string;
  readonly writes: RegisterWrite[];
  close(): Promise<void>;
}

export async function startFencedRegister(): Promise<FencedRegister> {
  const writes: RegisterWrite[] = [];
  const highest = new Map<string, { token: number; by: string }>();
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      const input = JSON.parse(text) as Pick<RegisterWrite, 'lock' | 'token' | 'client' | 'phase'>;
      const seen = highest.get(input.lock);
      const accepted = seen === undefined || input.token >= seen.token;
      writes.push({ ...input, at: clock(), accepted, highest: seen?.token ?? 0, highestBy: seen?.by ?? null });
      if (accepted) highest.set(input.lock, { token: input.token, by: input.client });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    writes,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** The client side: one write, answered with whether the register accepted it. */
export async function writeRegister(url: string, write: Pick<RegisterWrite, 'lock' | 'token' | 'client' | 'phase'>): Promise<boolean> {
  const res = await fetch(`${url}/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(write) });
  return ((await res.json()) as { accepted: boolean }).accepted;
}
