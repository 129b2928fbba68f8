import { describe, expect, it } from 'vitest';
import { blockSyntax, putBlock, removeBlock } from './marked-block.js';

const md = blockSyntax('instructions', 1, '<!--', '-->');

describe('marked blocks', () => {
  it('appends after a blank line and comes out again byte for byte', () => {
    for (const before of ['# Mine\n', '# Mine\n\n## More\n', '']) {
      const after = putBlock(before, md, 'Use Baton.');
      expect(after).toContain('<!-- baton:begin instructions v1');
      expect(after.endsWith('<!-- baton:end instructions -->\n')).toBe(true);
      expect(removeBlock(after, md)).toBe(before);
    }
    expect(putBlock('# Mine', md, 'x').startsWith('# Mine\n\n<!--')).toBe(true);
  });

  it('rewrites an older version in place rather than adding a second block', () => {
    const v0 = putBlock('# Mine\n', blockSyntax('instructions', 0, '<!--', '-->'), 'old text').replace('v0', 'v0');
    const v1 = putBlock(`${v0}\nmore of mine\n`, md, 'new text');
    expect(v1.match(/baton:begin/g)).toHaveLength(1);
    expect(v1).toContain('new text');
    expect(v1).toContain('more of mine');
    expect(v1).not.toContain('old text');
  });

  it('uses the file\'s CRLF line endings', () => {
    const after = putBlock('a\r\nb\r\n', md, 'line one\nline two');
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
    expect(removeBlock(after, md)).toBe('a\r\nb\r\n');
  });
});
