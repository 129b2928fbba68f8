import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patchPaths, shellWritePaths } from './edit-paths.js';

describe('patchPaths', () => {
  it('reads the file lines of an apply_patch envelope', () => {
    const patch = [
      '*** Begin Patch',
      '*** Add File: src/new.ts',
      '+export {};',
      '*** Update File: src/a.ts',
      '*** Move to: src/b.ts',
      '@@',
      '-x',
      '+y',
      '*** Delete File: old.txt',
      '*** Update File: src/a.ts',
      '*** End Patch',
    ].join('\n');
    expect(patchPaths(patch)).toEqual(['src/new.ts', 'src/a.ts', 'src/b.ts', 'old.txt']);
    expect(patchPaths('no patch here')).toEqual([]);
  });
});

describe('shellWritePaths', () => {
  it.each([
    ['echo hi > out.txt', ['out.txt']],
    ['cat a.txt >> "log file.txt" 2>&1', ['log file.txt']],
    ['npm test 2> err.log | tee -a report.txt', ['err.log', 'report.txt']],
    ["sed -i 's/a/b/' src/a.ts src/b.ts", ['src/a.ts', 'src/b.ts']],
    ['sed -i.bak -e s/a/b/ src/c.ts', ['src/c.ts']],
    ['cp src/a.ts src/copy.ts && mv x.ts y.ts', ['src/copy.ts', 'x.ts', 'y.ts']],
    ['rm -rf build dist; touch .stamp', ['build', 'dist', '.stamp']],
    ['git mv a.ts b.ts', ['a.ts', 'b.ts']],
    ['git checkout -- src/a.ts', ['src/a.ts']],
    ['cat > src/gen.ts <<EOF\nexport const x = 1;\nEOF', ['src/gen.ts']],
    ['FOO=1 sudo tee /etc/x < input.txt', ['/etc/x']],
    ['dd if=/dev/zero of=disk.img bs=1M count=1', ['disk.img']],
  ])('%s writes %j', (command, expected) => {
    expect(shellWritePaths(command)).toEqual(expected);
  });

  it.each([
    'cat src/a.ts', 'ls -la', 'grep -r foo src', 'echo $HOME > $OUT', 'npm test 2>&1', 'echo x > /dev/null', 'sed s/a/b/ src/a.ts', 'git status', 'cmd >&2',
  ])('%s writes nothing it can name', (command) => {
    expect(shellWritePaths(command)).toEqual([]);
  });

  it('never throws and returns strings on any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (command) => {
        const paths = shellWritePaths(command);
        expect(paths.every((p) => typeof p === 'string' && p !== '')).toBe(true);
        expect(Array.isArray(patchPaths(command))).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(shellWritePaths('> '.repeat(20_000))).toEqual([]);
  });
});
