/**
 * @module `baton backup` and `baton restore`: run the server's backup module on
 * the configured store and print what was written (a line per project, or --json).
 */
import { loadServerConfig, type ConfigOverrides } from '../../server/config.js';
import { restoreBackup, takeBackup, type ProjectTally } from '../../server/backup.js';

export interface StoreFlags {
  dataDir?: string;
  store?: string;
  storeUrl?: string;
  json?: boolean;
}

const overridesOf = (flags: StoreFlags): ConfigOverrides => ({ dataDir: flags.dataDir, store: flags.store, storeUrl: flags.storeUrl });

const print = (flags: StoreFlags, value: unknown, lines: string[]): void => {
  process.stdout.write(flags.json === true ? `${JSON.stringify(value, null, 2)}\n` : `${lines.join('\n')}\n`);
};

const describe = (p: Pick<ProjectTally, 'project' | 'members' | 'leases' | 'tasks' | 'state' | 'events' | 'docs'>): string =>
  `  ${p.project}: ${p.members} members, ${p.leases} leases, ${p.tasks} tasks, ${p.state} state entries, ${p.events} events, ${p.docs} consultation records`;

export async function runBackup(flags: StoreFlags & { out?: string; format?: string; project?: string }): Promise<void> {
  if (flags.format !== undefined && flags.format !== 'sqlite' && flags.format !== 'json') throw new Error(`unknown --format '${flags.format}'; use sqlite or json`);
  const report = await takeBackup(loadServerConfig(overridesOf(flags)), { out: flags.out, format: flags.format, project: flags.project });
  const kind = report.format === 'sqlite' ? 'SQLite online backup' : `JSON export of the ${report.engine} store`;
  print(flags, report, [`Wrote ${report.file} (${kind}, ${report.bytes} bytes, ${report.projects.length} project${report.projects.length === 1 ? '' : 's'}).`, ...report.projects.map(describe)]);
}

export async function runRestore(file: string, flags: StoreFlags & { force?: boolean; project?: string }): Promise<void> {
  const report = await restoreBackup(loadServerConfig(overridesOf(flags)), file, { force: flags.force, project: flags.project });
  const lines = report.projects.map((p) => `${describe(p)}${p.tasksKept > 0 ? ` (${p.tasksKept} tasks already there, kept)` : ''}; next fencing token above ${p.counters.token}`);
  print(flags, report, [`Restored ${report.projects.length} project${report.projects.length === 1 ? '' : 's'} from ${report.file} into the ${report.engine} store.`, ...lines]);
}
