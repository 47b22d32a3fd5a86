// The soak's counts and findings as lines of text (the CLI and the CI suite print the same).
import type { SoakReport } from './soak';

export function printReport(r: SoakReport, out: (s: string) => void = console.log) {
  out(
    `\nSoak: ${r.config.recipients} recipients, seed ${r.config.seed}, ${r.seconds} s, ${r.finished ? 'finished' : 'NOT finished'}`,
  );
  out(
    `  actions: ${Object.entries(r.actions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  out(`  server transactions ${r.transactions}, messages received ${r.received}`);
  out(
    `  faults injected: ${Object.entries(r.injected)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  for (const [name, c] of Object.entries(r.states)) out(`  ${name}: ${JSON.stringify(c)}`);
  if (r.throttle) {
    const t = r.throttle;
    out(
      `  throttling case: provider takes ${t.perMinute}/min; ${t.accepted} of ${t.possible} possible in ${t.seconds} s = ${t.fraction} of its pace (target ≥ 0.8); ${t.attemptsOnThrottles} attempts answered 450 (target 0)`,
    );
  }
  if (r.fuzz) {
    out(
      `  contract fuzz: ${r.fuzz.cases} cases over ${r.fuzz.requests} requests (${r.fuzz.invalid} invalid, ${r.fuzz.accepted} accepted by the schema); answers ${JSON.stringify(r.fuzz.byCode)}`,
    );
  }
  if (r.csv) {
    const cases = Object.values(r.csv.byKind).reduce((a, b) => a + b, 0);
    out(
      `  CSV fuzz: ${cases} files (${Object.entries(r.csv.byKind)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}); outcomes ${JSON.stringify(r.csv.outcomes)}`,
    );
  }
  out(
    r.findings.length
      ? `  FINDINGS (${r.findings.length}):\n${r.findings
          .slice(0, 50)
          .map((f) => `    - ${f}`)
          .join('\n')}`
      : '  findings: none',
  );
}
