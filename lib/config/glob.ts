/** Alias globs: a `*` in an alias matches any run of characters (`claude-*haiku*`). */

/**
 * Whether `name` matches a glob given as its pieces between stars (`claude-*haiku*` is
 * `["claude-", "haiku", ""]`): the first piece starts it, the last ends it, and the others are
 * found in order in between, each at its first place. Linear in the name, where a backtracking
 * RegExp for four stars took 38 s on an 801-character name.
 */
export function globMatches(pieces: readonly string[], name: string): boolean {
  if (pieces.length === 1) return name === pieces[0];
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  const end = name.length - last.length;
  if (end < first.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  let at = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const found = name.indexOf(pieces[i], at);
    if (found < 0 || found + pieces[i].length > end) return false;
    at = found + pieces[i].length;
  }
  return true;
}
