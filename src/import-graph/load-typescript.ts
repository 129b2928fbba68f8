/**
 * @module The TypeScript compiler the analysis uses: the analysed repository's own
 * (so its resolution rules and options are the ones its build knows), else the one
 * installed with Baton, else a typed error saying how to install one. Loaded at
 * run time, never imported statically: typescript is not a runtime dependency of
 * Baton, and only `baton depmap` needs it.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type TS from 'typescript';
import { ImportGraphError } from './errors.js';

export type TypeScript = typeof TS;

export interface LoadedTypeScript {
  ts: TypeScript;
  /** Where it came from, for the summary. */
  from: 'repository' | 'baton';
}

/** The oldest release whose module resolution this analysis relies on (bundler, node16/nodenext, exports, imports). */
const MINIMUM = [5, 0] as const;

const usable = (ts: Partial<TypeScript> | undefined): ts is TypeScript => {
  const [major = 0, minor = 0] = (typeof ts?.version === 'string' ? ts.version : '0.0').split('.').map(Number);
  return typeof ts?.resolveModuleName === 'function' && (major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]));
};

function tryRequire(from: string): Partial<TypeScript> | undefined {
  try {
    return createRequire(from)('typescript') as Partial<TypeScript>;
  } catch {
    return undefined;
  }
}

/**
 * The compiler for the repository at `root`; TYPESCRIPT_MISSING when neither it nor
 * Baton (the module at `batonAt`, this one unless a test says otherwise) has a usable one.
 */
export function loadTypeScript(root: string, batonAt: string = import.meta.url): LoadedTypeScript {
  // createRequire needs a file name; package.json need not exist (resolution starts from its directory).
  const own = tryRequire(join(root, 'package.json'));
  if (usable(own)) return { ts: own, from: 'repository' };
  const baton = tryRequire(batonAt);
  if (usable(baton)) return { ts: baton, from: 'baton' };
  if (typeof own?.version !== 'string') {
    throw new ImportGraphError('TYPESCRIPT_MISSING', `The repository has TypeScript or JavaScript files, and the typescript package (which resolves their imports) is installed neither in ${root} nor with Baton.`);
  }
  throw new ImportGraphError('TYPESCRIPT_MISSING', `typescript ${own.version} in ${root} is too old to resolve imports: ${MINIMUM.join('.')} or later is needed.`, { hint: 'Upgrade it in the repository: npm i -D typescript@5' });
}
