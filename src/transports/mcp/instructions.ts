/**
 * @module The server instructions a model reads first: 150 to 250 tokens whatever
 * the toolsets (clients cut long instructions and may load only tool names at
 * first), naming the exact tool for each job the connection offers and no tool it
 * does not list. Each job has a full sentence and a brief one: a connection with
 * many toolsets gets brief ones, a narrow one gets full ones, and one that would
 * still read too little gets the always-offered tools described further.
 */

/** A job a model may have, the tools its sentences name (all must be listed), and the sentence in two lengths. */
interface Job {
  readonly tools: readonly string[];
  readonly full: string;
  readonly brief: string;
}

/** Always said: presence and status are listed on every connection. */
const START: Job = {
  tools: ['start_session'],
  full: 'Call start_session first: it registers you, shows who is here and the last handover note, and can also reserve files, claim a task and take locks.',
  brief: 'Call start_session first (it can also reserve, claim and lock).',
};
const LOOK: Job = {
  tools: ['list_agents', 'coordinator_status'],
  full: 'list_agents shows who is here and what each does; coordinator_status counts it all at a glance.',
  brief: 'list_agents and coordinator_status show who does what.',
};
const END: Job = {
  tools: ['end_session'],
  full: 'End with end_session: it returns your claims, leaves a handover note and signs you off.',
  brief: 'End with end_session.',
};

/** The jobs of the optional toolsets, in the order a session meets them; the last are made brief first. */
const JOBS: readonly Job[] = [
  {
    tools: ['reserve_files', 'release_files'],
    full: 'Before editing files, reserve_files (dry_run: true only checks; a refusal names the holder), then release_files.',
    brief: 'reserve_files before editing.',
  },
  {
    tools: ['acquire_lock', 'release_lock'],
    full: 'Around commands that must not run twice at once (tests, deploys), acquire_lock with wait_seconds, then release_lock.',
    brief: 'acquire_lock, release_lock around tests or deploys.',
  },
  {
    tools: ['claim_task', 'update_task', 'add_task'],
    full: 'To work from the plan, claim_task, then update_task with its token (status done or failed); add_task plans new work.',
    brief: 'claim_task, then update_task with its token.',
  },
  {
    tools: ['announce_work', 'post_to_thread'],
    full: 'Before changing files, announce_work with target_files: concerned means another agent works there, so settle it in the thread it names (post_to_thread).',
    brief: 'announce_work before changing files (concerned: post_to_thread).',
  },
  {
    tools: ['get_inbox', 'ack_messages', 'send_message'],
    full: 'get_inbox shows messages for you (wait_seconds waits); ack_messages marks them read; send_message writes to agents.',
    brief: 'get_inbox, then ack_messages.',
  },
  {
    tools: ['claim_worker_slot', 'release_worker_slot'],
    full: "To run within the project's cap on parallel workers, claim_worker_slot (wait_seconds waits for one), then release_worker_slot.",
    brief: 'claim_worker_slot within the worker cap.',
  },
  {
    tools: ['store_data', 'retrieve_data'],
    full: 'To share values between agents, store_data and retrieve_data (if_version makes a write compare-and-set).',
    brief: 'store_data, retrieve_data share values.',
  },
  {
    tools: ['publish_event', 'get_events'],
    full: 'publish_event announces something on a topic; get_events reads the ordered event log after your last id (wait_seconds waits).',
    brief: 'get_events reads the event log.',
  },
  {
    tools: ['register_service', 'report_health', 'list_services'],
    full: 'A service joins with register_service and reports with report_health; list_services shows what runs and how it is.',
    brief: 'register_service, report_health for services.',
  },
  {
    tools: ['record_file_edit', 'file_activity'],
    full: 'After editing, record_file_edit; file_activity shows hot files and who else edits or intends yours.',
    brief: 'record_file_edit after edits.',
  },
  {
    tools: ['dependency_map'],
    full: 'dependency_map with a file shows what imports it and who works within that radius.',
    brief: 'dependency_map shows who works near a file.',
  },
  {
    tools: ['break_lease'],
    full: 'break_lease frees a lock or reservation whose holder went stale.',
    brief: 'break_lease frees a stale lease.',
  },
];

/** Said only when the instructions would otherwise be too short to guide a model: the always-offered tools, further. */
const MORE: readonly Job[] = [
  { tools: ['heartbeat'], full: 'During long work, heartbeat keeps you live and says what you are on (activity, current_file).', brief: '' },
  { tools: ['health_check'], full: "health_check reports the health of the coordinator's store and of every registered service.", brief: '' },
  { tools: ['sign_off', 'register_agent'], full: 'register_agent and sign_off join and leave without the digest or the handover note.', brief: '' },
];

const OPENING = 'Baton coordinates the agents working on this project.';
const CLOSING = 'A wait that ends answers timed_out: call again and you keep your place. The connection carries your identity and project: do not pass agent_id or project.';

/**
 * The bounds, in characters: a Claude tokenizer reads about 4.3 characters of
 * this prose per token, so these keep the text within 150 to 250 tokens with a
 * margin (mcp-budgets and instructions tests count every selection exactly).
 */
const MAX_CHARS = 900;
const MIN_CHARS = 720;

const length = (parts: readonly string[]): number => parts.join(' ').length;

export function instructionsFor(tools: ReadonlySet<string>): string {
  const offered = (job: Job): boolean => job.tools.every((t) => tools.has(t));
  const jobs = [START, ...JOBS, LOOK, END].filter(offered);
  const full = new Set(jobs);
  const text = (): string[] => [OPENING, ...jobs.map((job) => (full.has(job) ? job.full : job.brief)), CLOSING];
  // Briefer from the least central job back to the first, the always-said ones last, until it fits.
  for (const job of [...JOBS].reverse().concat(LOOK, END, START)) {
    if (length(text()) <= MAX_CHARS) break;
    full.delete(job);
  }
  const parts = text();
  for (const extra of MORE.filter(offered)) {
    if (length(parts) >= MIN_CHARS) break;
    parts.splice(parts.length - 1, 0, extra.full);
  }
  return parts.join(' ');
}
