// The fault-and-crash soak. Four SMTP servers on loopback inject a seeded mix of faults while
// the sending process is SIGKILLed and restarted, campaigns are paused and resumed, one is
// cancelled and restarted as a copy, and a revoked password is re-entered. Then everything is
// judged against what the servers received and what the database holds. Alongside, a
// throttling case; afterwards, the fuzz pass. `runSoak` returns the findings; it never throws
// for a finding (the CLI and the CI suite decide what fails).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Campaign, RecipientState, StateCounts } from '../../shared/domain';
import { seeded } from '../../test/helpers/prng';
import { slidingWindows } from '../lib/stats';
import { uploadOf } from '../lib/tray';
import { Killed, SoakApp } from './app';
import { type CsvCounts, type FuzzCounts, fuzzContract, fuzzCsv } from './fuzz';
import { countsByCampaign, readRecipients } from './oracle';
import { type FaultKind, SoakServer } from './smtp-soak-server';

export interface SoakConfig {
  recipients: number;
  /** Share of the recipients per campaign; the first (it drains first) is cancelled and copied. */
  campaigns: number[];
  perMinute: number;
  perHour: number;
  maxConcurrent: number;
  /** How long faults, kills and user actions go on. */
  chaosMs: number;
  /** How long the rest may take once the faults stop. */
  drainMs: number;
  kills: number;
  /** Accounts that get one throttle answer each (every one rests a minute). */
  throttleEpisodes: number;
  /** Chance per transaction of each fault. */
  mix: Partial<Record<FaultKind, number>>;
  throttle: { perMinute: number; durationMs: number } | null;
  fuzzRandomPerRequest: number;
  seed: number;
  log?: (line: string) => void;
}

export const FULL: SoakConfig = {
  recipients: 20_000,
  campaigns: [0.4, 0.3, 0.3],
  perMinute: 1_500,
  perHour: 20_000,
  maxConcurrent: 3,
  chaosMs: 150_000,
  drainMs: 240_000,
  kills: 8,
  throttleEpisodes: 4,
  mix: { dropBeforeData: 0.004, dropAfterData: 0.001, slow: 0.004, garbled: 0.001, tempfail: 0.004 },
  throttle: { perMinute: 60, durationMs: 190_000 },
  fuzzRandomPerRequest: 40,
  seed: 20_261_201,
};

export const SHORT: SoakConfig = {
  ...FULL,
  recipients: 1_200,
  perMinute: 900,
  chaosMs: 20_000,
  drainMs: 60_000,
  kills: 3,
  throttleEpisodes: 1,
  mix: { dropBeforeData: 0.02, dropAfterData: 0.006, slow: 0.02, garbled: 0.006, tempfail: 0.02 },
  throttle: { perMinute: 60, durationMs: 20_000 },
  fuzzRandomPerRequest: 5,
};

export interface SoakReport {
  config: Omit<SoakConfig, 'log'>;
  seconds: number;
  finished: boolean;
  states: Record<string, StateCounts>;
  received: number;
  actions: Record<string, number>;
  injected: Record<string, number>;
  transactions: number;
  throttle: null | {
    perMinute: number;
    seconds: number;
    accepted: number;
    possible: number;
    fraction: number;
    attemptsOnThrottles: number;
  };
  fuzz: FuzzCounts | null;
  csv: CsvCounts | null;
  /** Every broken promise, in words. Empty means the soak passed. */
  findings: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UNCERTAIN_PAUSE = /unknown outcome/i;

/** Every 137th address does not exist at any provider: 550 5.1.1, every time. */
const rejected = (address: string) => Number(/^r(\d+)@/.exec(address)?.[1] ?? 1) % 137 === 0;

function writeList(file: string, addresses: string[]) {
  fs.writeFileSync(file, `Email,First Name\r\n${addresses.map((a, i) => `${a},Name ${i}`).join('\r\n')}\r\n`);
}

export async function runSoak(cfg: SoakConfig): Promise<SoakReport> {
  const log = cfg.log ?? (() => {});
  const random = seeded(cfg.seed);
  const started = Date.now();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-soak-'));
  const findings: string[] = [];
  const actions: Record<string, number> = {
    kills: 0,
    restarts: 0,
    pauses: 0,
    resumes: 0,
    cancels: 0,
    copies: 0,
    resentUncertain: 0,
    markedSent: 0,
    passwordsReentered: 0,
    passwordsRevoked: 0,
  };
  const servers = await Promise.all(
    [0, 1, 2, 3].map((i) =>
      new SoakServer({
        user: `user${i}`,
        pass: `pass${i}`,
        random: seeded(cfg.seed + i + 1),
        mix: cfg.mix,
        rejects: rejected,
      }).listen(),
    ),
  );
  const throttleCase = cfg.throttle ? startThrottleCase(root, cfg.throttle, log) : null;
  const app = new SoakApp(path.join(root, 'app'));
  fs.mkdirSync(app.dataDir);
  const events: string[] = [];
  app.onEvent = (event) => events.push(event);
  const tracked = { resent: new Map<string, number>(), markedSent: new Set<string>() };
  let fuzz: FuzzCounts | null = null;
  let csv: CsvCounts | null = null;
  let finished = false;

  try {
    await app.start();
    const accountIds: number[] = [];
    for (const [i, s] of servers.entries()) {
      const a = await app.call('accounts.addSmtp', {
        label: `Provider ${i + 1}`,
        fromName: 'Soak',
        fromAddress: `sender${i + 1}@soak.example`,
        preset: 'custom',
        smtp: { host: '127.0.0.1', port: s.port, security: 'none', username: `user${i}`, timeoutMs: 5_000 },
        password: `pass${i}`,
        limits: {
          perMinute: cfg.perMinute,
          perHour: cfg.perHour,
          perDay: 1_000_000,
          reserve: 0,
          minGapMs: 0,
          maxGapMs: 0,
          maxConcurrent: cfg.maxConcurrent,
        },
        verify: false,
      });
      accountIds.push(a.id);
    }
    const template = {
      subject: 'Hello {{first_name}}',
      body: '<p>Hi {{first_name}}, this is the soak.</p>',
      format: 'html' as const,
      text: null,
    };
    const retry = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 4_000 };
    const campaigns: Campaign[] = [];
    let next = 1;
    for (const [k, share] of cfg.campaigns.entries()) {
      const n = Math.round(cfg.recipients * share);
      const addresses = Array.from({ length: n }, () => `r${next++}@soak${k + 1}.example`);
      const file = path.join(root, `list-${k + 1}.csv`);
      writeList(file, addresses);
      const c = await app.call('campaigns.create', { name: `Soak ${k + 1}`, pool: accountIds, template, retry });
      const preview = await app.call('recipients.importPreview', { campaignId: c.id, source: uploadOf(file) });
      await app.call('recipients.importCommit', { importId: preview.importId, emailColumn: preview.emailColumn ?? 0 });
      campaigns.push(c);
    }
    for (const c of campaigns) await app.call('campaigns.start', { id: c.id });
    log(
      `soak: set up in ${Math.round((Date.now() - started) / 1000)} s; ${cfg.recipients} recipients in ${campaigns.length} campaigns on 4 accounts; chaos for ${cfg.chaosMs / 1000} s`,
    );

    // ---- the chaos phase, then the drain ----
    // Everything is planned at random moments of the chaos phase, which ends after chaosMs or
    // once three quarters are sent; whatever is still planned then happens at once.
    const t0 = Date.now();
    const at = (from: number, span: number) => t0 + cfg.chaosMs * (from + random() * span);
    const throttleAt = servers.map((_, i) => (i < cfg.throttleEpisodes ? at(0.1, 0.5) : Number.POSITIVE_INFINITY));
    const quotaAt = at(0.3, 0.4);
    let quotaDone = false;
    const toCancel = campaigns[0]!;
    // Cancelled once part of it is out (or late in the chaos), so both it and its copy send.
    const cancelAt = at(0.4, 0.3);
    let cancelShare = 0;
    const killTimes = Array.from({ length: cfg.kills }, () => at(0, 0.9)).sort((a, b) => a - b);
    const revokeAt = at(0.2, 0.5);
    // Not the account whose quota is spent (it would never log in again to see the 535), and not
    // a throttled one where there is a choice.
    const spare = Math.max(0, 3 - cfg.throttleEpisodes);
    const revoked = spare > 0 ? cfg.throttleEpisodes + Math.floor(random() * spare) : Math.floor(random() * 3);
    let nextPauseAt = t0 + 1_000 + random() * 4_000;
    const pausedByUs = new Map<number, number>();
    let restoreAt: number | null = null;
    let cancelled = false;
    let copy: Campaign | null = null;
    let sentSoFar = 0;
    /** Cancelled campaigns whose unknown outcomes the app would not let the user settle. */
    const unresolvable = new Set<number>();
    let chaosOver = false;
    let drainEnd = Number.POSITIVE_INFINITY;

    const act = async () => {
      const now = Date.now();
      const ending = now >= t0 + cfg.chaosMs || sentSoFar >= cfg.recipients * 0.75;
      const due = (t: number) => t <= now || ending;
      if (!chaosOver) {
        for (const [i, s] of servers.entries()) {
          if (due(throttleAt[i]!) && throttleAt[i] !== Number.POSITIVE_INFINITY) {
            throttleAt[i] = Number.POSITIVE_INFINITY;
            // The next transaction is throttled: 421 and 450 in turn.
            s.forceNext(i % 2 === 0 ? 'throttle421' : 'throttle450');
          }
        }
        if (!quotaDone && due(quotaAt)) {
          quotaDone = true;
          servers[3]!.forceNext('quota');
        }
        if (killTimes.length && due(killTimes[0]!)) {
          killTimes.shift();
          await app.kill();
          actions.kills!++;
          await sleep(random() * 500);
          await app.start();
          actions.restarts!++;
        }
        if (due(revokeAt) && actions.passwordsRevoked === 0) {
          servers[revoked]!.setAuthFailing(true);
          actions.passwordsRevoked!++;
        }
        if (nextPauseAt <= now) {
          const open = [...campaigns.slice(1), ...(copy ? [copy] : []), ...(cancelled ? [] : [toCancel])];
          const c = open[Math.floor(random() * open.length)]!;
          const cur = await app.call('campaigns.get', { id: c.id });
          if (cur.status === 'sending') {
            await app.call('campaigns.pause', { id: c.id });
            pausedByUs.set(c.id, now + 500 + random() * 2_500);
            actions.pauses!++;
          }
          nextPauseAt = now + 4_000 + random() * 8_000;
        }
        if (!cancelled && (due(cancelAt) || cancelShare >= 0.25)) {
          cancelled = true;
          await app.call('campaigns.cancel', { id: toCancel.id });
          actions.cancels!++;
          copy = await copyOf(toCancel);
        }
        const planned =
          killTimes.length > 0 ||
          !cancelled ||
          !quotaDone ||
          actions.passwordsRevoked === 0 ||
          throttleAt.some(Number.isFinite);
        if (ending && !planned) {
          chaosOver = true;
          drainEnd = now + cfg.drainMs;
          for (const s of servers) {
            s.faultsOn = false;
            s.faultsOn = false;
            if (s.authIsFailing) s.setAuthFailing(false);
          }
          log(`soak: chaos over after ${Math.round((now - t0) / 1000)} s, faults off; draining`);
        }
      }
      for (const [id, at] of pausedByUs) {
        if (at <= now) {
          pausedByUs.delete(id);
          const cur = await app.call('campaigns.get', { id });
          if (cur.status === 'paused') {
            await app.call('campaigns.resume', { id });
            actions.resumes!++;
          }
        }
      }
      // The user re-enters a revoked password a moment after the app asks for it.
      const accounts = await app.call('accounts.list', {});
      for (const a of accounts) {
        if (a.status !== 'needs_reauth') continue;
        restoreAt ??= now + 1_000 + random() * 2_000;
        if (restoreAt <= now) {
          const i = accountIds.indexOf(a.id);
          servers[i]!.setAuthFailing(false);
          await app.call('accounts.update', { id: a.id, password: `pass${i}` });
          actions.passwordsReentered!++;
          restoreAt = null;
        }
      }
      // Campaigns the engine paused: settle unknown outcomes (alternately resend and mark as
      // sent, as two different users would), resume after the breaker.
      const list = await app.call('campaigns.list', {});
      for (const c of list) {
        if (c.status === 'cancelled' && c.counts.uncertain > 0 && !unresolvable.has(c.id)) {
          // A cancelled campaign's unknown outcomes: the user settles them as sent if the app lets them.
          const rows = await listAll(c.id, 'uncertain');
          try {
            await app.call('campaigns.markUncertainSent', { id: c.id });
            for (const r of rows) tracked.markedSent.add(r);
            actions.markedSent!++;
          } catch (err) {
            if (err instanceof Killed) throw err;
            unresolvable.add(c.id);
          }
        }
        if (c.status !== 'paused' || pausedByUs.has(c.id)) continue;
        if (c.counts.uncertain > 0 && c.counts.queued === 0 && c.counts.sending === 0) {
          const rows = await listAll(c.id, 'uncertain');
          if (actions.resentUncertain! <= actions.markedSent!) {
            for (const r of rows) tracked.resent.set(r, (tracked.resent.get(r) ?? 0) + 1);
            await app.call('campaigns.resendUncertain', { id: c.id });
            actions.resentUncertain!++;
          } else {
            for (const r of rows) tracked.markedSent.add(r);
            await app.call('campaigns.markUncertainSent', { id: c.id });
            actions.markedSent!++;
          }
        } else if (!UNCERTAIN_PAUSE.test(c.pausedReason ?? '')) {
          await app.call('campaigns.resume', { id: c.id });
          actions.resumes!++;
        }
      }
      return list;
    };

    const copyOf = async (c: Campaign): Promise<Campaign> => {
      // What a user does: a new campaign with the same settings, fed the rows the cancel skipped.
      const unsent = [...(await listAll(c.id, 'skipped')), ...(await listAll(c.id, 'queued'))];
      const file = path.join(root, 'copy.csv');
      writeList(file, unsent);
      const created = await app.call('campaigns.create', {
        name: `${c.name} (copy)`,
        pool: c.pool,
        template: c.template,
        retry: c.retry,
      });
      const preview = await app.call('recipients.importPreview', { campaignId: created.id, source: uploadOf(file) });
      await app.call('recipients.importCommit', { importId: preview.importId, emailColumn: preview.emailColumn ?? 0 });
      await app.call('campaigns.start', { id: created.id });
      actions.copies!++;
      return created;
    };

    const listAll = async (campaignId: number, state: RecipientState): Promise<string[]> => {
      const out: string[] = [];
      for (let after: number | undefined; ; ) {
        const page = await app.call('recipients.list', { campaignId, state, after, limit: 500 });
        out.push(...page.rows.map((r) => r.address));
        if (page.next === null) return out;
        after = page.next;
      }
    };

    let lastLog = 0;
    for (;;) {
      let list: Awaited<ReturnType<typeof act>> | null = null;
      try {
        list = await act();
      } catch (err) {
        // A kill cut a call short; the next round looks again.
        if (!(err instanceof Killed)) throw err;
      }
      if (!app.alive) await app.start();
      const now = Date.now();
      if (list && now - lastLog > 10_000) {
        lastLog = now;
        const total = list.reduce((n, c) => n + c.counts.sent, 0);
        const waiting: string[] = [];
        for (const c of list) {
          if (c.status !== 'sending') continue;
          const p = await app.call('campaigns.progress', { id: c.id }).catch(() => null);
          if (p?.waiting) waiting.push(`${c.name}: ${p.waiting.reason}`);
        }
        log(
          `soak: ${Math.round((now - started) / 1000)} s, ${total} sent, ${app.kills} kills${waiting.length ? `; waiting: ${waiting.join('; ')}` : ''}`,
        );
      }
      if (list) {
        sentSoFar = list.reduce((n, c) => n + c.counts.sent, 0);
        const c = list.find((x) => x.id === toCancel.id);
        if (c)
          cancelShare =
            c.counts.sent /
            Math.max(
              1,
              Object.values(c.counts).reduce((a, b) => a + b, 0),
            );
      }
      if (list && chaosOver) {
        const open = list.filter((c) => c.status !== 'done' && c.status !== 'cancelled');
        if (open.length === 0) {
          finished = true;
          break;
        }
      }
      if (now >= drainEnd) {
        findings.push(
          `not finished ${cfg.drainMs / 1000} s after the faults stopped: ${JSON.stringify(list?.map((c) => [c.name, c.status, c.counts]))}`,
        );
        break;
      }
      await sleep(200);
    }

    // ---- the judgement ----
    const received = new Map<string, number>();
    for (const s of servers) for (const r of s.receipts) received.set(r.to, (received.get(r.to) ?? 0) + 1);
    const rows = readRecipients(app.dataDir);
    const finalStates = new Set(['sent', 'failed', 'skipped']);
    for (const r of rows) {
      const settled = finalStates.has(r.state) || (r.state === 'uncertain' && unresolvable.has(r.campaignId));
      if (!settled) findings.push(`${r.address} ended ${r.state}`);
      const times = received.get(r.address) ?? 0;
      if (r.state === 'sent' && times === 0 && !tracked.markedSent.has(r.address)) {
        findings.push(`${r.address} is sent but no server received it`);
      }
    }
    for (const [address, times] of received) {
      if (times > 1 + (tracked.resent.get(address) ?? 0)) findings.push(`${address} was received ${times} times`);
    }
    const inDb = new Set(rows.map((r) => r.address));
    for (const address of received.keys()) if (!inDb.has(address)) findings.push(`${address} received but unknown`);
    for (const [i, s] of servers.entries()) {
      const times = s.receipts.map((r) => r.mailAt).sort((a, b) => a - b);
      const minute = slidingWindows(times, 60_000, cfg.perMinute);
      const hour = slidingWindows(times, 3_600_000, cfg.perHour);
      if (minute.over > 0)
        findings.push(`Provider ${i + 1}: ${minute.over} minute windows over ${cfg.perMinute} (max ${minute.max})`);
      if (hour.over > 0)
        findings.push(`Provider ${i + 1}: ${hour.over} hour windows over ${cfg.perHour} (max ${hour.max})`);
    }
    const db = countsByCampaign(rows);
    const dashboard = await app.call('campaigns.list', {});
    const states: Record<string, StateCounts> = {};
    for (const c of dashboard) {
      states[c.name] = c.counts;
      const truth = db.get(c.id);
      if (JSON.stringify(c.counts) !== JSON.stringify(truth ?? c.counts)) {
        findings.push(
          `${c.name}: the dashboard says ${JSON.stringify(c.counts)}, the database ${JSON.stringify(truth)}`,
        );
      }
      const p = await app.call('campaigns.progress', { id: c.id });
      if (JSON.stringify(p.counts) !== JSON.stringify(truth ?? p.counts)) {
        findings.push(`${c.name}: progress says ${JSON.stringify(p.counts)}, the database ${JSON.stringify(truth)}`);
      }
    }
    if (copy === null) findings.push('the cancelled campaign was never copied');

    // ---- the fuzz pass, on the same app, with a campaign of queued rows that must not change ----
    log('soak: fuzzing the contract and the importer');
    const guard = await app.call('campaigns.create', { name: 'Untouchable', pool: accountIds, template });
    const guardFile = path.join(root, 'guard.csv');
    writeList(
      guardFile,
      Array.from({ length: 500 }, (_, i) => `keep${i}@guard.example`),
    );
    const gp = await app.call('recipients.importPreview', { campaignId: guard.id, source: uploadOf(guardFile) });
    await app.call('recipients.importCommit', { importId: gp.importId, emailColumn: gp.emailColumn ?? 0 });
    const target = await app.call('campaigns.create', { name: 'Fuzz target', pool: accountIds, template });
    const snapshot = () => JSON.stringify(readRecipients(app.dataDir).filter((r) => r.campaignId !== target.id));
    const before = snapshot();
    const beforeGuard = await app.call('campaigns.get', { id: guard.id });
    const exitsBefore = app.unexpectedExits.length;
    fuzz = await fuzzContract((n, i) => app.dispatch(n, i), random, cfg.fuzzRandomPerRequest);
    const fuzzDir = path.join(root, 'fuzz');
    fs.mkdirSync(fuzzDir);
    csv = await fuzzCsv((n, i) => app.dispatch(n, i), target.id, fuzzDir, random);
    if (app.unexpectedExits.length > exitsBefore)
      findings.push(`the app died during the fuzz pass: ${app.unexpectedExits.join(', ')}`);
    if (snapshot() !== before) findings.push('the fuzz pass changed rows it must not touch');
    const afterGuard = await app.call('campaigns.get', { id: guard.id });
    if (JSON.stringify(afterGuard) !== JSON.stringify(beforeGuard)) findings.push('the fuzz pass changed a campaign');
    findings.push(...fuzz.problems.slice(0, 20), ...csv.problems.slice(0, 20));
    if (fuzz.problems.length > 20) findings.push(`… and ${fuzz.problems.length - 20} more contract fuzz problems`);

    const throttle = throttleCase ? await throttleCase : null;
    if (app.unexpectedExits.length) findings.push(`the app exited on its own: ${app.unexpectedExits.join(', ')}`);
    const injected: Record<string, number> = {};
    for (const s of servers) for (const [k, v] of Object.entries(s.injected)) injected[k] = (injected[k] ?? 0) + v;
    const { log: _log, ...config } = cfg;
    return {
      config,
      seconds: Math.round((Date.now() - started) / 1000),
      finished,
      states,
      received: [...received.values()].reduce((a, b) => a + b, 0),
      actions: { ...actions, appStarts: app.starts, cancelledLeftUncertain: unresolvable.size },
      injected,
      transactions: servers.reduce((n, s) => n + s.transactions, 0),
      throttle,
      fuzz,
      csv,
      findings,
    };
  } finally {
    await app.stop().catch(() => {});
    await Promise.all(servers.map((s) => s.close()));
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * A provider that takes `perMinute` messages a rolling minute and answers 450 beyond, with the
 * account's caps at twice that and four sends in flight: how close does the app run to the
 * provider's real pace, and how many attempts does it spend on throttle answers?
 */
async function startThrottleCase(
  root: string,
  opts: { perMinute: number; durationMs: number },
  log: (s: string) => void,
): Promise<NonNullable<SoakReport['throttle']>> {
  const server = await new SoakServer({
    user: 'u',
    pass: 'p',
    random: seeded(7),
    perMinuteLimit: opts.perMinute,
  }).listen();
  const app = new SoakApp(path.join(root, 'throttle'));
  fs.mkdirSync(app.dataDir);
  try {
    await app.start();
    const a = await app.call('accounts.addSmtp', {
      label: 'Rate-limited provider',
      fromName: 'Soak',
      fromAddress: 'throttle@soak.example',
      preset: 'custom',
      smtp: { host: '127.0.0.1', port: server.port, security: 'none', username: 'u', timeoutMs: 5_000 },
      password: 'p',
      limits: {
        perMinute: opts.perMinute * 2,
        perHour: 100_000,
        perDay: 1_000_000,
        minGapMs: 0,
        maxGapMs: 0,
        maxConcurrent: 4,
      },
      verify: false,
    });
    const c = await app.call('campaigns.create', {
      name: 'Throttled',
      pool: [a.id],
      template: { subject: 'Hi', body: '<p>Hi</p>', format: 'html', text: null },
    });
    const n = Math.ceil((opts.perMinute * opts.durationMs) / 60_000) * 3;
    const file = path.join(root, 'throttle.csv');
    writeList(
      file,
      Array.from({ length: n }, (_, i) => `t${i}@throttle.example`),
    );
    const preview = await app.call('recipients.importPreview', { campaignId: c.id, source: uploadOf(file) });
    await app.call('recipients.importCommit', { importId: preview.importId, emailColumn: preview.emailColumn ?? 0 });
    const t0 = Date.now();
    await app.call('campaigns.start', { id: c.id });
    await sleep(opts.durationMs);
    const accepted = server.receipts.filter((r) => r.mailAt < t0 + opts.durationMs).length;
    // A provider allowing N a rolling minute allows at most N in each started minute.
    const possible = opts.perMinute * Math.ceil(opts.durationMs / 60_000);
    log(
      `throttle case: ${accepted} of ${possible} possible in ${opts.durationMs / 1000} s; ${server.injected.rateLimited450} answers 450`,
    );
    return {
      perMinute: opts.perMinute,
      seconds: opts.durationMs / 1000,
      accepted,
      possible,
      fraction: Math.round((accepted / possible) * 100) / 100,
      attemptsOnThrottles: server.injected.rateLimited450,
    };
  } finally {
    await app.stop().catch(() => {});
    await server.close();
  }
}
