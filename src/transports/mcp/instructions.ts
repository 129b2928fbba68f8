/**
 * @module The server instructions a model reads first (kept to about 200 tokens:
 * clients cut long instructions and may load only tool names at first): the exact
 * tool for each job, naming only tools the connection lists.
 */

/** Each sentence, with the tools it needs; a sentence whose tools are not listed is left out. */
const SENTENCES: [tools: string[], text: string][] = [
  [['start_session'], 'Call start_session first: it registers you and shows who is here, what you hold, the best ready task and the last handover note; it can also reserve files, claim a task and take locks.'],
  [['reserve_files'], 'Before editing files, reserve_files (dry_run: true only checks; a refusal names the holder).'],
  [['acquire_lock', 'release_lock'], 'Around commands that must not run twice at once (tests, deploys), acquire_lock with wait_seconds, then release_lock.'],
  [['claim_task', 'update_task'], 'To work from the plan, claim_task, then update_task with its token (status done or failed).'],
  [['announce_work'], 'Before changing files, announce_work with target_files: concerned means another agent works there, so talk in the thread it names.'],
  [['get_inbox'], 'get_inbox shows messages for you (wait_seconds waits); ack_messages marks them read.'],
  [['list_agents', 'coordinator_status'], 'list_agents and coordinator_status show who does what.'],
  [['end_session'], 'End with end_session: it returns your claims, leaves a handover note and signs you off.'],
];

export function instructionsFor(tools: ReadonlySet<string>): string {
  const sentences = SENTENCES.filter(([needs]) => needs.every((t) => tools.has(t))).map(([, text]) => text);
  return [
    'Baton coordinates the agents working on this project.',
    ...sentences,
    'A call that waits answers timed_out when its wait ends: call it again and you keep your place. Your identity and project come from the connection: do not pass agent_id or project.',
  ].join(' ');
}
