// The soak's short form: the same faults, kills, user actions, judgement and fuzz pass as
// `npm run soak`, on 1,200 recipients, so every CI run tries to break the engine's promises.
import { describe, expect, it } from 'vitest';
import { printReport } from '../../bench/soak/report';
import { runSoak, SHORT } from '../../bench/soak/soak';

describe('soak (short form)', () => {
  it('loses nothing, sends nothing twice and keeps every cap through faults, kills and fuzzing', async () => {
    const report = await runSoak(SHORT);
    const lines: string[] = [];
    printReport(report, (s) => lines.push(s));
    console.log(lines.join('\n'));
    expect(report.findings).toEqual([]);
    expect(report.finished).toBe(true);
    expect(report.actions.kills).toBe(SHORT.kills);
    expect(report.received).toBeGreaterThan(SHORT.recipients * 0.9);
    expect(report.fuzz!.cases).toBeGreaterThan(1_000);
    expect(Object.values(report.csv!.byKind).reduce((a, b) => a + b, 0)).toBeGreaterThan(30);
  }, 300_000);
});
