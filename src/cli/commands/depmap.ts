/**
 * @module `baton depmap [dir] [--write]`: computes the file-level import map of
 * the repository containing `dir` (import-graph/analyse.ts) and prints what it
 * holds; with --write it replaces the project's dependency map on the server
 * (set_dependency_map, the project of that repository as every client command
 * resolves it), which get_blast_radius, get_module_info and impact scoring read.
 * Without --write no server is needed.
 */
import { analyseRepository, type RepositoryMap } from '../../import-graph/analyse.js';
import type { CommonFlags } from '../act.js';
import { connect } from '../client/connect.js';
import { painter, printJson, reportError, table, useColour, type Paint } from '../output.js';

export interface DepmapFlags extends CommonFlags {
  write?: boolean | undefined;
}

interface Written {
  project: string;
  version: number;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function human(map: RepositoryMap, written: Written | undefined, p: Paint): string {
  const s = map.summary;
  const kinds = [s.typescript_files > 0 ? `${s.typescript_files} TypeScript/JavaScript` : '', s.python_files > 0 ? `${s.python_files} Python` : ''].filter(Boolean).join(', ');
  const lines = [
    `${p('bold', map.root)}: ${plural(s.files, 'file')} (${kinds}), ${plural(s.edges, 'import')}, ${plural(s.modules, 'module')} (directories), ${plural(s.cycles, 'cycle')}`,
  ];
  if (s.most_imported.length > 0) {
    lines.push('', p('bold', 'Most imported'));
    lines.push(table(s.most_imported.slice(0, 5), [{ header: 'file', value: (r) => r.file }, { header: 'imported by', value: (r) => r.imported_by, right: true }], p).trimEnd(), '');
  }
  // A cycle is a group of files that all reach each other through their imports (the largest first).
  for (const cycle of s.cycle_examples.slice(0, 3)) lines.push(`${p('yellow', `cycle of ${cycle.size} files:`)} ${cycle.files.slice(0, 6).join(', ')}${cycle.size > 6 ? ', …' : ''}`);
  if (s.unresolved > 0) {
    const first = s.unresolved_examples[0];
    lines.push(`${p('yellow', `${plural(s.unresolved, 'relative import')} ${s.unresolved === 1 ? 'names' : 'name'} no file of the repository`)}${first ? ` (first: ${first.file} → '${first.specifier}')` : ''}; --json lists them.`);
  }
  if (s.typescript) lines.push(p('dim', `Resolved with typescript ${s.typescript.version} (${s.typescript.from === 'repository' ? "the repository's" : "Baton's own"}).`));
  lines.push(written ? p('green', `Loaded into project ${written.project} as version ${written.version}.`) : p('dim', 'Not loaded: `baton depmap --write` replaces the project\'s map on the server.'));
  return `${lines.join('\n')}\n`;
}

export async function depmapCommand(dir: string | undefined, flags: DepmapFlags): Promise<void> {
  try {
    const map = analyseRepository(dir ?? process.cwd());
    let written: Written | undefined;
    if (flags.write) {
      const client = connect(flags, { cwd: map.root, env: process.env });
      const answer = await client.call('set_dependency_map', { modules: map.modules, source: map.source });
      written = { project: client.identity.project ?? 'default', version: Number(answer['version']) };
    }
    if (flags.json) printJson({ ...map, ...written });
    else process.stdout.write(human(map, written, painter(useColour(process.stdout))));
  } catch (error) {
    process.exitCode = reportError(error, flags.json === true);
  }
}
