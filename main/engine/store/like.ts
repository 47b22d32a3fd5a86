// Searching by substring with LIKE: the user's text may hold LIKE's own wildcards (% and _), which
// must match themselves. Statements that use this pattern say ESCAPE '\'.

/** A LIKE pattern that matches `text` anywhere in a value, wildcards in `text` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
