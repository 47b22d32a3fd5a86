// `npm run soak [-- --short] [-- --seed N]`: the fault-and-crash soak, its throttling case and
// the fuzz pass; prints the counts and every finding, exits non-zero on any finding.
import { printReport } from './report';
import { FULL, runSoak, SHORT } from './soak';

const argv = process.argv.slice(2);
const seedAt = argv.indexOf('--seed');
const base = argv.includes('--short') ? SHORT : FULL;
const cfg = {
  ...base,
  ...(seedAt >= 0 ? { seed: Number(argv[seedAt + 1]) } : {}),
  log: (s: string) => console.error(`· ${s}`),
};

const report = await runSoak(cfg);
printReport(report);
process.exitCode = report.findings.length ? 1 : 0;
