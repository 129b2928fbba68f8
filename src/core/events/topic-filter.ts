/**
 * @module Topic filters in MQTT's grammar (`+` one level, `#` the rest), used by
 * every push surface to narrow `custom` events by their topic, so a cache or
 * health signal reaches only the servers that asked for it.
 */

/** Whether `filter` is well formed: `#` only as the last level, wildcards only as whole levels. */
export function isTopicFilter(filter: string): boolean {
  if (filter === '' || filter.length > 200) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => (level === '#' ? i === levels.length - 1 : level === '+' || !/[+#]/.test(level)));
}

/** Whether `topic` (no wildcards) matches `filter`. `#` also matches the parent level (`a/#` matches `a`). */
export function topicMatches(filter: string, topic: string): boolean {
  const want = filter.split('/');
  const have = topic.split('/');
  for (let i = 0; i < want.length; i++) {
    const level = want[i];
    if (level === '#') return true;
    if (i >= have.length) return false;
    if (level !== '+' && level !== have[i]) return false;
  }
  return want.length === have.length;
}
