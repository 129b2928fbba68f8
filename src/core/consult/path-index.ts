/**
 * @module An index from path to the postings that name it, so scoring one
 * announce costs its own files times the postings they hit, not every peer's
 * files. Literal paths are a map lookup; globs are kept apart, bucketed by their
 * literal directory prefix, and compared only when a prefix can match. Postings
 * can be removed again, so the index can be kept up to date rather than rebuilt.
 */
import { isGlob, pathsMeet } from './paths.js';

/** The literal leading directories of a glob ('' when it starts with a wildcard). */
function literalPrefix(glob: string): string {
  const first = glob.search(/[*?[\]{}!]/);
  const head = first < 0 ? glob : glob.slice(0, first);
  const slash = head.lastIndexOf('/');
  return slash < 0 ? '' : head.slice(0, slash + 1);
}

export class PathIndex<P> {
  private readonly exact = new Map<string, P[]>();
  /** Globs by literal prefix; a lookup visits only prefixes of the path. */
  private readonly globs = new Map<string, { glob: string; posting: P }[]>();
  private globCount = 0;

  add(path: string, posting: P): void {
    if (isGlob(path)) {
      const prefix = literalPrefix(path);
      let bucket = this.globs.get(prefix);
      if (!bucket) this.globs.set(prefix, (bucket = []));
      bucket.push({ glob: path, posting });
      this.globCount++;
      return;
    }
    let list = this.exact.get(path);
    if (!list) this.exact.set(path, (list = []));
    list.push(posting);
  }

  /** Removes the postings of `path` that `drop` selects. */
  remove(path: string, drop: (posting: P) => boolean): void {
    if (isGlob(path)) {
      const prefix = literalPrefix(path);
      const bucket = this.globs.get(prefix);
      if (!bucket) return;
      const kept = bucket.filter((g) => g.glob !== path || !drop(g.posting));
      this.globCount -= bucket.length - kept.length;
      if (kept.length === 0) this.globs.delete(prefix);
      else this.globs.set(prefix, kept);
      return;
    }
    const list = this.exact.get(path);
    if (!list) return;
    const kept = list.filter((p) => !drop(p));
    if (kept.length === 0) this.exact.delete(path);
    else this.exact.set(path, kept);
  }

  /** Calls `visit` for each posting of exactly this path string (no glob matching). */
  exactly(path: string, visit: (posting: P) => void): void {
    if (!isGlob(path)) {
      for (const p of this.exact.get(path) ?? []) visit(p);
      return;
    }
    for (const g of this.globs.get(literalPrefix(path)) ?? []) if (g.glob === path) visit(g.posting);
  }

  /** Calls `visit` for each posting whose path may meet `path`, with that path. */
  lookup(path: string, visit: (posting: P, theirs: string) => void): void {
    if (isGlob(path)) {
      // A glob of mine may meet any literal path: compared against all (the rare side).
      for (const [theirs, list] of this.exact) if (pathsMeet(path, theirs)) for (const p of list) visit(p, theirs);
      for (const bucket of this.globs.values()) for (const g of bucket) if (pathsMeet(path, g.glob)) visit(g.posting, g.glob);
      return;
    }
    for (const p of this.exact.get(path) ?? []) visit(p, path);
    if (this.globCount === 0) return;
    const dirs = [''];
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) dirs.push(path.slice(0, i + 1));
    for (const dir of dirs) for (const g of this.globs.get(dir) ?? []) if (pathsMeet(path, g.glob)) visit(g.posting, g.glob);
  }
}
