/**
 * @module The import statements of a Python file, read by a scanner rather than
 * a parser: it joins logical lines (brackets and backslash continuations), drops
 * comments and the contents of every string literal (triple-quoted docstrings
 * included), splits `;`-separated statements, and reads `import a.b as c, d` and
 * `from ..pkg import (x, y as z)` wherever they stand, indented ones included
 * (imports inside functions, `if TYPE_CHECKING:` and `try:` blocks count).
 * Limits: an import after a colon on the same line (`if x: import y`), imports
 * built at run time (importlib.import_module, __import__) and `exec`'d code are
 * not seen.
 */

export interface PythonImport {
  /** Leading dots: 0 for an absolute import. */
  level: number;
  /** The dotted module after the dots (`''` for `from . import x`). */
  module: string;
  /** `from … import` names (`*` included); undefined for a plain `import`. */
  names?: string[];
}

const NAME = String.raw`[\p{L}\p{N}\p{M}_]+`;
const DOTTED = new RegExp(String.raw`^(${NAME}(?:\s*\.\s*${NAME})*)(?:\s+as\s+${NAME})?$`, 'u');
const FROM = new RegExp(String.raw`^from\s+((?:\.\s*)*)(${NAME}(?:\s*\.\s*${NAME})*)?\s*\bimport\b\s*(.*)$`, 'u');
const IMPORT = /^import\s+(.+)$/u;
const IDENTIFIER = new RegExp(`^${NAME}$`, 'u');

const squash = (dotted: string): string => dotted.replace(/\s+/g, '');

/** The logical lines of a source, strings replaced by `""` and comments dropped. */
function logicalLines(source: string): string[] {
  const lines: string[] = [];
  let line = '';
  let depth = 0;
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const close = triple ? c.repeat(3) : c;
      i += close.length;
      while (i < text.length && !text.startsWith(close, i)) {
        // A backslash escapes the next character, in raw strings too (as far as ending the string goes).
        if (text[i] === '\\') i++;
        // A one-quote string that meets the end of the line was never closed: stop there.
        else if (!triple && text[i] === '\n') break;
        i++;
      }
      if (!triple && text[i] === '\n') i--;
      else i += close.length - 1;
      line += '""';
    } else if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\r' ? 2 : 1;
      line += ' ';
    } else if (c === '\n') {
      if (depth > 0) line += ' ';
      else {
        lines.push(line);
        line = '';
      }
    } else {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      line += c === '\r' ? '' : c;
    }
  }
  lines.push(line);
  return lines;
}

/** Every import statement of a Python source, in order. */
export function pythonImports(source: string): PythonImport[] {
  const found: PythonImport[] = [];
  for (const line of logicalLines(source)) {
    for (const raw of line.split(';')) {
      const statement = raw.trim();
      const from = FROM.exec(statement);
      if (from) {
        const names = (from[3] ?? '')
          .replace(/[()]/g, ' ')
          .split(',')
          .map((n) => n.trim().split(/\s+as\s+/u)[0]?.trim() ?? '')
          .filter((n) => n === '*' || IDENTIFIER.test(n));
        found.push({ level: (from[1] ?? '').replace(/\s/g, '').length, module: squash(from[2] ?? ''), names });
        continue;
      }
      const plain = IMPORT.exec(statement);
      if (!plain) continue;
      for (const part of (plain[1] ?? '').split(',')) {
        const dotted = DOTTED.exec(part.trim());
        if (dotted?.[1] !== undefined) found.push({ level: 0, module: squash(dotted[1]) });
      }
    }
  }
  return found;
}
