// The import mapping as data: which column holds the address, which columns become merge fields
// and under which names. Pure, so the rules are tested without a screen. The engine turns the
// names into merge field keys (and keeps them unique).
import type { MergeField } from '../../../../shared/domain';

export interface ColumnChoice {
  keep: boolean;
  /** The name the user gave it; the merge field key follows it. */
  label: string;
}

export interface Mapping {
  emailColumn: number | null;
  columns: ColumnChoice[];
}

export function initialMapping(columns: MergeField[], emailColumn: number | null): Mapping {
  return { emailColumn, columns: columns.map((c) => ({ keep: true, label: c.label })) };
}

export function mappingProblem(m: Mapping): string | null {
  if (m.emailColumn === null) return 'Choose the column with the addresses.';
  for (const [i, c] of m.columns.entries()) {
    if ((c.keep || i === m.emailColumn) && !c.label.trim()) return `Column ${i + 1} needs a name.`;
  }
  if (!m.columns.some((c, i) => c.keep || i === m.emailColumn)) return 'Keep at least one column.';
  return null;
}

/** What importCommit needs: the kept columns (the address column always) and the renamed ones. */
export function commitInput(m: Mapping, original: MergeField[]) {
  const fieldColumns = m.columns.flatMap((c, i) => (c.keep || i === m.emailColumn ? [i] : []));
  const renames = m.columns.flatMap((c, i) =>
    fieldColumns.includes(i) && c.label.trim() !== original[i]?.label ? [{ column: i, label: c.label.trim() }] : [],
  );
  return { emailColumn: m.emailColumn ?? 0, fieldColumns, ...(renames.length ? { renames } : {}) };
}
