// Inserting a merge field at the caret: pure, so the caret arithmetic is tested on its own.

export interface Insertion {
  value: string;
  caret: number;
}

export function insertToken(value: string, start: number | null, end: number | null, token: string): Insertion {
  const from = Math.max(0, Math.min(start ?? value.length, value.length));
  const to = Math.max(from, Math.min(end ?? from, value.length));
  return { value: value.slice(0, from) + token + value.slice(to), caret: from + token.length };
}
