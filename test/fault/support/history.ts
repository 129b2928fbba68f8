/**
 * @module The recorded history of a fault run: what each client saw acknowledged
 * (grants, releases, claims, completions), what the fenced register accepted or
 * refused, what each event consumer received, and what the chaos driver did. The
 * workers print these as JSON lines; the checker reads them with the store's log.
 */

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const clock = (): number => performance.timeOrigin + performance.now();

export type ClientLine =
  /** An acquire answered `acquired: true`. */
  | { kind: 'grant'; client: string; agent: string; lock: string; token: number; renewed: boolean; expiresAt: number; at: number; waitedMs: number; node: number; retried: boolean }
  /** A wait ended without the lock (diagnostics: how long, behind whom). */
  | { kind: 'wait-timeout'; client: string; lock: string; waitedMs: number; holders: string[]; waitersAhead: number; at: number }
  /** The client skipped its writes because its lease was about to lapse (legitimate, not a violation). */
  | { kind: 'lapsed'; client: string; lock: string; token: number; at: number }
  /** A release answered, or was refused after an ambiguous first attempt (it had gone through). */
  | { kind: 'release'; client: string; lock: string; token: number; at: number; outcome: 'released' | 'gone-after-retry' | 'refused'; code?: string }
  | { kind: 'claim'; client: string; agent: string; task: string; token: number; at: number; expiresAt: number; retried: boolean }
  /** A completion was acknowledged (`ack`) or, after an ambiguous attempt, found applied by get_task (`verified`). */
  | { kind: 'complete'; client: string; agent: string; task: string; token: number; at: number; via: 'ack' | 'verified' }
  /** update_task refused the completion (the claim had lapsed or been lost). */
  | { kind: 'complete-refused'; client: string; agent: string; task: string; token: number; at: number; code: string }
  /** A call answered with something no correct server should answer (500, an unexpected code). */
  | { kind: 'anomaly'; client: string; call: string; status: number; code: string; message: string; at: number }
  | { kind: 'ready' }
  | { kind: 'client-end'; client: string; agent: string; grants: number; timeouts: number; claims: number; completions: number; retries: number; failovers: number; causes: Record<string, number>; drained: boolean };

export interface ConsumerRecord {
  kind: 'consumer';
  consumer: string;
  mode: 'sse' | 'poll';
  home: number;
  /** The cursor it started from: it must receive exactly the log's events after it. */
  start: number;
  /** Every event id in the order received (duplicates and gaps included). */
  ids: number[];
  /** `${id}:${type}:${subject}` for each received event, to compare content with the log. */
  digests: string[];
  reconnects: number;
  /** Set when it never reached the final id before its deadline. */
  stalledAt?: number;
  errors: string[];
}

/** One attempted write to the fenced register, stamped by the register's own clock. */
export interface RegisterWrite {
  lock: string;
  token: number;
  client: string;
  phase: 'enter' | 'exit';
  at: number;
  accepted: boolean;
  /** The highest token accepted for this lock before this write. */
  highest: number;
  /** Who wrote that highest token. */
  highestBy: string | null;
}

export interface ChaosAction {
  at: number;
  action: 'kill' | 'start' | 'engine-crash' | 'engine-start';
  coordinator?: number;
}

/** An event of the store's log as the REST API returns it. */
export interface LogEvent {
  id: number;
  type: string;
  actor: string | null;
  subject: string;
  data: Record<string, unknown>;
  at: string;
}

export const digestOf = (e: { id: number; type: string; subject: string }): string => `${e.id}:${e.type}:${e.subject}`;
