/**
 * @module Re-exports the full command catalog, in toolset order.
 */
import { activityCommands } from './activity.js';
import { consultCommands } from './consult.js';
import { depmapCommands } from './depmap.js';
import { eventCommands } from './events.js';
import { fileCommands } from './files.js';
import { lockCommands } from './locks.js';
import { operatorCommands } from './operator.js';
import { messageCommands } from './messages.js';
import { presenceCommands } from './presence.js';
import { serviceCommands } from './services.js';
import { sessionCommands } from './session.js';
import { stateCommands } from './state.js';
import { statusCommands } from './status.js';
import { taskCommands } from './tasks.js';
import { workerCommands } from './workers.js';

export const COMMANDS = [
  ...sessionCommands,
  ...presenceCommands,
  ...statusCommands,
  ...lockCommands,
  ...fileCommands,
  ...taskCommands,
  ...workerCommands,
  ...stateCommands,
  ...eventCommands,
  ...serviceCommands,
  ...operatorCommands,
  ...consultCommands,
  ...messageCommands,
  ...activityCommands,
  ...depmapCommands,
];
