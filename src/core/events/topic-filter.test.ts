/**
 * @module Topic filters: MQTT's wildcard rules, and filters that are refused.
 */
import { describe, expect, it } from 'vitest';
import { isTopicFilter, topicMatches } from './topic-filter.js';

describe('topic filters', () => {
  it('matches levels exactly, + one level and # the rest (the parent too)', () => {
    expect(topicMatches('cache/users', 'cache/users')).toBe(true);
    expect(topicMatches('cache/users', 'cache/users/1')).toBe(false);
    expect(topicMatches('cache/+', 'cache/users')).toBe(true);
    expect(topicMatches('cache/+', 'cache/users/1')).toBe(false);
    expect(topicMatches('+/users/+', 'cache/users/1')).toBe(true);
    expect(topicMatches('cache/#', 'cache/users/1')).toBe(true);
    expect(topicMatches('cache/#', 'cache')).toBe(true);
    expect(topicMatches('#', 'anything/at/all')).toBe(true);
    expect(topicMatches('cache/#', 'health/db')).toBe(false);
    expect(topicMatches('a/b', 'a')).toBe(false);
  });

  it('refuses malformed filters', () => {
    for (const bad of ['', 'a/#/b', 'a+', 'a/b#', '#a', 'x'.repeat(201)]) expect(isTopicFilter(bad), bad).toBe(false);
    for (const good of ['a', 'a/+/c', '#', '+', 'a/#', 'cache.invalidate:users']) expect(isTopicFilter(good), good).toBe(true);
  });
});
