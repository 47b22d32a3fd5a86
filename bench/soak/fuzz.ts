// The fuzz pass: inputs for every contract request derived from its zod schema (each field
// replaced by wrong types, out-of-range numbers, huge and hostile strings; whole inputs of the
// wrong shape), and CSV files that are random, truncated, huge, 10,000 columns wide or oddly
// encoded. Every case must get an answer that is not `internal`; the app must stay up.
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { requests } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { uploadOf } from '../lib/tray';

type Dispatch = (name: string, input: unknown) => Promise<Result<unknown>>;
type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** An id no row has: a valid-looking case must never touch real data. */
const NO_SUCH_ID = 987_654_321;

/** A plausible value for a schema, so that one mutated field is what the validator sees. */
function sample(s: z.ZodType, key = ''): unknown {
  const d = defOf(s);
  switch (d.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d.shape as Record<string, z.ZodType>)) out[k] = sample(v, k);
      return out;
    }
    case 'string':
      return key.toLowerCase().includes('address') || (d as { format?: string }).format === 'email'
        ? 'fuzz@example.com'
        : key === 'timeZone'
          ? 'UTC'
          : 'fuzz';
    case 'number':
      return /ids?$/i.test(key) ? NO_SUCH_ID : key === 'port' ? 1 : 1_000;
    case 'boolean':
      return false;
    case 'array':
      return [sample(d.element as z.ZodType, key.replace(/s$/, ''))];
    case 'union':
      return sample((d.options as z.ZodType[])[0]!, key);
    case 'enum':
      return Object.values(d.entries as Record<string, string>)[0];
    case 'literal':
      return (d.values as unknown[])[0];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return sample(d.innerType as z.ZodType, key);
    case 'pipe':
      return sample(d.in as z.ZodType, key);
    default:
      return null;
  }
}

/** Paths of every field, nested objects and array elements included. */
function fieldPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => fieldPaths(v, [...prefix, i]))];
  if (value && typeof value === 'object') {
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => fieldPaths(v, [...prefix, k]))];
  }
  return [prefix];
}

function withValue(base: unknown, at: (string | number)[], value: unknown, remove = false): unknown {
  if (at.length === 0) return value;
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const k of at.slice(0, -1)) {
    const child = node[k];
    // An earlier mutation replaced a parent with a plain value: nothing left to reach.
    if (!child || typeof child !== 'object') return copy;
    node = child as Record<string | number, unknown>;
  }
  const last = at[at.length - 1]!;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

const HUGE = 'x'.repeat(2_000_000);
function nested(depth: number): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
}
const WRONG: { label: string; value: unknown }[] = [
  { label: 'null', value: null },
  { label: 'zero', value: 0 },
  { label: 'negative', value: -1 },
  { label: 'fraction', value: 1.5 },
  { label: 'huge number', value: 2 ** 60 },
  { label: 'NaN', value: Number.NaN },
  { label: 'Infinity', value: Number.POSITIVE_INFINITY },
  { label: 'bigint', value: 10n },
  { label: 'true', value: true },
  { label: 'empty string', value: '' },
  { label: 'huge string', value: HUGE },
  { label: 'line separators', value: 'a\u2028b\u2029c' },
  { label: 'NUL', value: 'a\u0000b' },
  { label: 'CRLF header', value: 'x@example.com\r\nBcc: victim@example.com' },
  { label: 'lone surrogate', value: '\ud800' },
  { label: 'template', value: '{{constructor.constructor "return process"}}' },
  { label: 'path traversal', value: '../../../../etc/passwd' },
  { label: 'empty array', value: [] },
  { label: 'big array', value: Array.from({ length: 20_000 }, (_, i) => i) },
  { label: 'empty object', value: {} },
  { label: 'proto key', value: JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}') },
  { label: 'date', value: new Date(0) },
  { label: 'map', value: new Map([['a', 1]]) },
  { label: 'deep nesting', value: nested(400) },
];

export interface FuzzCounts {
  requests: number;
  cases: number;
  /** Cases the schema itself refuses: each must come back invalid_input. */
  invalid: number;
  /** Cases the schema accepts (e.g. any string is a valid search): any clear answer will do. */
  accepted: number;
  byCode: Record<string, number>;
  problems: string[];
}

export async function fuzzContract(
  dispatch: Dispatch,
  random: () => number,
  extraPerRequest = 20,
): Promise<FuzzCounts> {
  const counts: FuzzCounts = { requests: 0, cases: 0, invalid: 0, accepted: 0, byCode: {}, problems: [] };
  const run = async (name: string, input: unknown, label: string) => {
    const schema = requests[name as keyof typeof requests].input as z.ZodType;
    const valid = schema.safeParse(input === undefined ? {} : input).success;
    counts.cases++;
    if (valid) counts.accepted++;
    else counts.invalid++;
    const r = await dispatch(name, input);
    const code = r.ok ? 'ok' : r.error.code;
    counts.byCode[code] = (counts.byCode[code] ?? 0) + 1;
    if (!r.ok && (!r.error.message || r.error.code === 'internal')) {
      counts.problems.push(`${name} (${label}): ${r.error.code}: ${r.error.message}`);
    } else if (!valid && (r.ok || r.error.code !== 'invalid_input')) {
      counts.problems.push(`${name} (${label}): the schema refuses it, the app answered ${code}`);
    }
  };
  for (const name of Object.keys(requests)) {
    counts.requests++;
    const schema = requests[name as keyof typeof requests].input as z.ZodType;
    const base = sample(schema);
    for (const whole of [null, 'text', 42, [], [base], HUGE, nested(1_000)]) await run(name, whole, 'whole input');
    await run(name, { ...(base as object), unexpected: 1 }, 'unknown key');
    for (const at of fieldPaths(base)) {
      if (at.length === 0) continue;
      await run(name, withValue(base, at, undefined, true), `${at.join('.')} missing`);
      for (const w of WRONG) await run(name, withValue(base, at, w.value), `${at.join('.')} = ${w.label}`);
    }
    // Random combinations: several fields wrong at once.
    const paths = fieldPaths(base).filter((p) => p.length > 0);
    for (let i = 0; i < extraPerRequest && paths.length; i++) {
      let input = base;
      for (let j = 0; j < 1 + Math.floor(random() * 3); j++) {
        const at = paths[Math.floor(random() * paths.length)]!;
        input = withValue(input, at, WRONG[Math.floor(random() * WRONG.length)]!.value);
      }
      await run(name, input, 'random mix');
    }
  }
  return counts;
}

// ---- CSV ---------------------------------------------------------------------------------------

const VALID = [
  'Email,First Name,Company',
  ...Array.from({ length: 200 }, (_, i) => `csv${i}@fuzz.example,Name ${i},"Firm, ${i}"`),
].join('\r\n');

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}

/** The files, by kind. Built lazily so a huge one exists only while it is imported. */
export function csvCases(random: () => number): { kind: string; bytes: () => Buffer }[] {
  const rnd = (n: number) => () => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  const cases: { kind: string; bytes: () => Buffer }[] = [];
  for (const n of [0, 1, 3, 100, 4_096, 100_000, 2_000_000]) cases.push({ kind: 'random bytes', bytes: rnd(n) });
  const valid = Buffer.from(VALID);
  for (let i = 0; i < 12; i++) {
    const cut = Math.floor(random() * valid.length);
    cases.push({ kind: 'truncated', bytes: () => valid.subarray(0, cut) });
  }
  cases.push({ kind: 'truncated', bytes: () => Buffer.from('Email,Name\r\n"unterminated@x.example,Name') });
  cases.push({
    kind: 'huge field',
    bytes: () => Buffer.from(`Email,Notes\r\na@fuzz.example,${'n'.repeat(30_000_000)}\r\n`),
  });
  cases.push({
    kind: 'huge field',
    bytes: () => Buffer.from(`Email,Notes\r\nb@fuzz.example,"${'line\r\n'.repeat(1_000_000)}"\r\n`),
  });
  cases.push({
    kind: 'huge field',
    bytes: () => Buffer.from(`${'H'.repeat(1_000_000)},Email\r\nx,c@fuzz.example\r\n`),
  });
  const wide = (cols: number) => () => {
    const head = ['Email', ...Array.from({ length: cols - 1 }, (_, i) => `Col ${i}`)].join(',');
    const row = (r: number) =>
      [`wide${r}@fuzz.example`, ...Array.from({ length: cols - 1 }, (_, i) => `v${i}`)].join(',');
    return Buffer.from([head, row(1), row(2), row(3)].join('\r\n'));
  };
  cases.push({ kind: '10,000 columns', bytes: wide(10_000) });
  cases.push({ kind: '10,000 columns', bytes: wide(10_001) });
  const text = 'Email,Name\r\nenc1@fuzz.example,Zoë Ångström\r\nenc2@fuzz.example,José “Pepe” Núñez\r\n';
  cases.push({
    kind: 'odd encoding',
    bytes: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
  });
  cases.push({ kind: 'odd encoding', bytes: () => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]) });
  cases.push({ kind: 'odd encoding', bytes: () => Buffer.from(text, 'utf16le') });
  cases.push({ kind: 'odd encoding', bytes: () => Buffer.from(text, 'latin1') });
  cases.push({
    kind: 'odd encoding',
    bytes: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
  });
  cases.push({
    kind: 'odd encoding',
    bytes: () => Buffer.concat([Buffer.from('Email,Name\r\nsj@fuzz.example,'), Buffer.from([0x93, 0xfa, 0x96, 0x7b])]),
  });
  cases.push({
    kind: 'odd encoding',
    bytes: () =>
      Buffer.concat([
        Buffer.from('Email,Name\r\nbad@fuzz.example,'),
        Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28]),
      ]),
  });
  cases.push({
    kind: 'U+2028',
    bytes: () => Buffer.from('Email,Name\u2028sep@fuzz.example,One\u2029x@fuzz.example,Two'),
  });
  cases.push({
    kind: 'U+2028',
    bytes: () => Buffer.from('Email,Name\r\nls@fuzz.example,"a\u2028b"\r\nls\u2028x@fuzz.example,c\r\n'),
  });
  cases.push({
    kind: 'odd structure',
    bytes: () => Buffer.from('Email,Name\rcr@fuzz.example,Only CR\rcr2@fuzz.example,x'),
  });
  cases.push({ kind: 'odd structure', bytes: () => Buffer.from('Email,Name\r\nnul\u0000@fuzz.example,N\u0000ul\r\n') });
  cases.push({
    kind: 'odd structure',
    bytes: () => Buffer.from('Email,Email,Email\r\nd1@fuzz.example,d2@fuzz.example,x\r\n'),
  });
  cases.push({ kind: 'odd structure', bytes: () => Buffer.from('Email\r\n') });
  cases.push({ kind: 'odd structure', bytes: () => Buffer.from('   \r\n\r\n\r\n') });
  cases.push({
    kind: 'odd structure',
    bytes: () => Buffer.from('Email,Name\r\n"=HYPERLINK(""http://x"")"@x.example,=1+2\r\n'),
  });
  cases.push({ kind: 'odd structure', bytes: () => Buffer.from('Email;Name\r\nsemi@fuzz.example;Semi\r\n') });
  return cases;
}

export interface CsvCounts {
  byKind: Record<string, number>;
  outcomes: Record<string, number>;
  problems: string[];
}

/** Imports each file into `campaignId` (preview, then commit when there is a column). */
export async function fuzzCsv(
  dispatch: Dispatch,
  campaignId: number,
  dir: string,
  random: () => number,
): Promise<CsvCounts> {
  const counts: CsvCounts = { byKind: {}, outcomes: {}, problems: [] };
  const note = (outcome: string) => {
    counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + 1;
  };
  const check = (what: string, step: string, r: Result<unknown>) => {
    if (!r.ok && (r.error.code === 'internal' || !r.error.message)) {
      counts.problems.push(`${what} ${step}: ${r.error.code}: ${r.error.message}`);
    }
    note(r.ok ? `${step} ok` : `${step} ${r.error.code}`);
    return r;
  };
  let i = 0;
  for (const c of csvCases(random)) {
    counts.byKind[c.kind] = (counts.byKind[c.kind] ?? 0) + 1;
    const file = path.join(dir, `fuzz-${i++}.csv`);
    fs.writeFileSync(file, c.bytes());
    const what = `${c.kind} #${i}`;
    const preview = check(
      what,
      'preview',
      await dispatch('recipients.importPreview', { campaignId, source: uploadOf(file) }),
    );
    if (preview.ok) {
      const p = preview.value as { importId: string; emailColumn: number | null };
      check(
        what,
        'commit',
        await dispatch('recipients.importCommit', { importId: p.importId, emailColumn: p.emailColumn ?? 0 }),
      );
    }
    fs.rmSync(file, { force: true });
  }
  // The browser's way in: an upload whose body is not base64, and one that is random bytes.
  counts.byKind.upload = 2;
  for (const base64 of ['%%% not base64 %%%', Buffer.from(csvCases(random)[4]!.bytes()).toString('base64')]) {
    check(
      'upload',
      'upload',
      await dispatch('recipients.importPreview', { campaignId, source: { upload: { name: 'x.csv', base64 } } }),
    );
  }
  return counts;
}
