/**
 * @module Which files a tool call writes, read from its input: the file lines of a
 * Codex `apply_patch` envelope, and the targets of a shell command where a write can
 * be parsed (redirections, tee, sed -i, cp/mv/rm/touch/mkdir...). Conservative in
 * what it claims: a path is returned only when the command plainly writes it, so a
 * read (`cat src/a.ts`) never blocks; anything it cannot parse writes nothing known.
 */

const PATCH_FILE_LINE = /^\*\*\* (?:Add|Update|Delete) File: (.+?)\s*$|^\*\*\* Move to: (.+?)\s*$/;

/** The files an `apply_patch` envelope adds, updates, deletes or moves to (in order, without repeats). */
export function patchPaths(patch: string): string[] {
  const found: string[] = [];
  for (const line of patch.split(/\r?\n/)) {
    const match = PATCH_FILE_LINE.exec(line);
    const path = match?.[1] ?? match?.[2];
    if (path !== undefined && path !== '' && !found.includes(path)) found.push(path);
  }
  return found;
}

/** Commands whose non-option arguments are all written (created, changed or removed). */
const WRITES_ALL = new Set(['touch', 'rm', 'truncate', 'shred', 'unlink', 'mkdir', 'rmdir', 'chmod', 'chown']);
/** Commands whose last argument is the target (cp a b, mv a b, install a b, ln -s a b); mv also removes its sources. */
const WRITES_LAST = new Set(['cp', 'install', 'ln', 'rsync']);
const MAX_COMMAND_CHARS = 20_000;

/**
 * Splits a command line into words and operators, honouring quotes and escapes;
 * `$(...)`, backticks and variables stay as text (a target built from them is not
 * a path we can know, and is skipped).
 */
function tokens(command: string): string[] {
  const out: string[] = [];
  let word = '';
  let quoted = false;
  let i = 0;
  const push = (): void => {
    if (word !== '' || quoted) out.push(word);
    word = '';
    quoted = false;
  };
  while (i < command.length) {
    const c = command.charAt(i);
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word += command.slice(i + 1, end === -1 ? undefined : end);
      quoted = true;
      i = end === -1 ? command.length : end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < command.length && command.charAt(j) !== '"') {
        if (command.charAt(j) === '\\' && j + 1 < command.length) j++;
        word += command.charAt(j);
        j++;
      }
      quoted = true;
      i = j + 1;
      continue;
    }
    if (c === '\\' && i + 1 < command.length) {
      word += command.charAt(i + 1);
      i += 2;
      continue;
    }
    if (c === ' ' || c === '\t') {
      push();
      i++;
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      push();
      // `2>&1`, `&>`: keep `&` with a redirection; otherwise an operator.
      const two = command.slice(i, i + 2);
      if (two === '&>') {
        out.push('>');
        i += command.charAt(i + 2) === '>' ? 3 : 2;
        continue;
      }
      out.push(two === '&&' || two === '||' ? two : c);
      i += two === '&&' || two === '||' ? 2 : 1;
      continue;
    }
    if (c === '>' || c === '<') {
      // A file descriptor number right before a redirection belongs to it (2>err.log).
      if (/^\d$/.test(word) && !quoted) word = '';
      push();
      let op = c;
      if (command.charAt(i + 1) === c) op += c;
      if (c === '>' && command.charAt(i + op.length) === '|') op += '|';
      if (command.charAt(i + op.length) === '&') {
        // >&2, <&0: a descriptor, not a file.
        i += op.length + 1;
        while (/\d|-/.test(command.charAt(i))) i++;
        continue;
      }
      out.push(op);
      i += op.length;
      continue;
    }
    word += c;
    i++;
  }
  push();
  return out;
}

const OPERATORS = new Set([';', '|', '&', '&&', '||', '(', ')', '\n']);
const isOperator = (t: string): boolean => OPERATORS.has(t);
/** A word we can take as a path: no expansion we cannot evaluate, no device. */
const plainPath = (t: string): boolean => t !== '' && !/[$`*?[\]{}~]/.test(t) && !t.startsWith('/dev/') && !t.startsWith('/proc/');

/** The files a shell command writes, as far as they can be parsed. */
export function shellWritePaths(command: string): string[] {
  if (command.length > MAX_COMMAND_CHARS) return [];
  const all = tokens(command);
  const found: string[] = [];
  const add = (p: string | undefined): void => {
    if (p !== undefined && plainPath(p) && !found.includes(p)) found.push(p);
  };
  // Split into simple commands; in each, collect redirection targets and the command's own writes.
  let words: string[] = [];
  const flush = (): void => {
    commandWrites(words).forEach(add);
    words = [];
  };
  for (let i = 0; i < all.length; i++) {
    const t = all[i] ?? '';
    if (isOperator(t)) {
      flush();
      continue;
    }
    if (t === '>' || t === '>>' || t === '>|') {
      add(all[i + 1]);
      i++;
      continue;
    }
    if (t === '<' || t === '<<') {
      i++; // the input file or the here-document's delimiter
      continue;
    }
    words.push(t);
  }
  flush();
  return found;
}

function commandWrites(words: string[]): string[] {
  // Skip leading assignments and wrappers (FOO=1 sudo env nice ...).
  let start = 0;
  while (start < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[start] ?? '') || ['sudo', 'env', 'nice', 'nohup', 'time', 'command', 'exec'].includes(words[start] ?? ''))) start++;
  const name = (words[start] ?? '').split('/').pop() ?? '';
  const args = words.slice(start + 1);
  const operands = args.filter((a) => !a.startsWith('-'));
  if (WRITES_ALL.has(name)) return name === 'chmod' || name === 'chown' ? operands.slice(1) : operands;
  if (WRITES_LAST.has(name)) return operands.length >= 2 ? [operands.at(-1) ?? ''] : [];
  if (name === 'mv') return operands.length >= 2 ? operands : [];
  if (name === 'tee') return operands;
  if (name === 'dd') return args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3));
  if (name === 'sed' || name === 'perl') {
    if (!args.some((a) => /^-[A-Za-z]*i/.test(a) || a.startsWith('--in-place'))) return [];
    // The script is the first operand unless given with -e; the rest are files.
    const hasScriptOption = args.some((a) => a === '-e' || a === '--expression' || a === '-f');
    const files: string[] = [];
    let skipNext = false;
    let scriptSeen = hasScriptOption;
    for (const a of args) {
      if (skipNext) {
        skipNext = false;
        continue;
      }
      if (a === '-e' || a === '--expression' || a === '-f') {
        skipNext = true;
        continue;
      }
      if (a.startsWith('-')) continue;
      if (!scriptSeen) {
        scriptSeen = true;
        continue;
      }
      files.push(a);
    }
    return files;
  }
  if (name === 'git' && ['rm', 'mv', 'checkout', 'restore'].includes(args[0] ?? '')) {
    const rest = args.slice(1).filter((a) => !a.startsWith('-'));
    const dashdash = args.indexOf('--');
    if (args[0] === 'checkout' || args[0] === 'restore') return dashdash === -1 ? [] : args.slice(dashdash + 1);
    return args[0] === 'mv' ? (rest.length >= 2 ? rest : []) : rest;
  }
  return [];
}
