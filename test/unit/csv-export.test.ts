import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { neutraliseCell, toCsvPaged } from '../../main/engine/exports/csv';
import { campaignResultsCsv } from '../../main/engine/exports/results';
import { ManualClock } from '../helpers/manual-clock';

const toCsv = (header: string[], rows: Iterable<string[]>) => toCsvPaged(header, [[...rows]]);

import type { Store } from '../../main/engine/store';
import { campaignSettings, testContext } from '../helpers/context';
import { limits } from '../helpers/limits';
import { recordOutcome } from '../helpers/outcomes';
import { tmpDir } from '../helpers/tmp';

const BOM = '\uFEFF';

describe('neutraliseCell', () => {
  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'],
    ['ann@example.com', 'ann@example.com'],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ['', ''],
    ['Grüße', 'Grüße'],
  ])('%j → %j', (value, expected) => {
    expect(neutraliseCell(value)).toBe(expected);
  });
});

describe('toCsvPaged', () => {
  it('writes RFC 4180 with CRLF, doubled quotes and a BOM', async () => {
    const csv = await toCsv(
      ['name', 'note'],
      [
        ['Ann', 'plain'],
        ['Bob "B"', 'a,b'],
        ['Cy', 'line1\nline2'],
        ['Dee', ''],
      ],
    );
    expect(csv).toBe(`${BOM}name,note\r\nAnn,plain\r\n"Bob ""B""","a,b"\r\nCy,"line1\nline2"\r\nDee,\r\n`);
  });

  it('neutralises formulas in every cell, header included', async () => {
    expect(await toCsv(['=h'], [['=1+1'], ['-x,y']])).toBe(`${BOM}'=h\r\n'=1+1\r\n"'-x,y"\r\n`);
  });

  it('round-trips through a CSV parser', async () => {
    const rows = [
      ['ann@example.com', 'Ann "the first"', 'Köln, DE', 'multi\r\nline'],
      ['bob@example.com', '', '東京', 'x'],
    ];
    const csv = await toCsv(['email', 'name', 'city', 'note'], rows);
    const parsed = parse(csv, { bom: true }) as string[][];
    expect(parsed).toEqual([['email', 'name', 'city', 'note'], ...rows]);
  });

  it('takes pages lazily and yields to the event loop between them', async () => {
    // Another task that runs on every turn of the loop: it only advances if the export yields.
    let ticks = 0;
    let running = true;
    const spin = () => {
      if (!running) return;
      ticks++;
      setImmediate(spin);
    };
    setImmediate(spin);
    function* pages() {
      for (let i = 0; i < 3; i++) yield [[String(i)]];
    }
    const csv = await toCsvPaged(['n'], pages());
    running = false;
    expect(csv).toBe(`${BOM}n\r\n0\r\n1\r\n2\r\n`);
    expect(ticks).toBeGreaterThanOrEqual(2);
  });
});

// ---- campaigns.exportResults --------------------------------------------------------------------

const LIMITS = limits({ perMinute: 10, perHour: 100, perDay: 400, maxConcurrent: 1 });

describe('campaigns.exportResults', () => {
  let store: Store;
  afterEach(() => store?.close());

  function setup() {
    const clock = new ManualClock();
    const ctx = testContext(tmpDir(), clock);
    store = ctx.store;
    return { h: { 'campaigns.exportResults': ({ id }: { id: number }) => campaignResultsCsv(ctx, id) }, clock };
  }

  it('exports every recipient with fields, state, account, time, Message-ID and error', async () => {
    const { h, clock } = setup();
    const acct = store.accounts.create(
      { kind: 'outbox', label: 'Local outbox', fromName: 'Me', fromAddress: 'me@campaign-tray.local', limits: LIMITS },
      clock.now(),
    );
    const c = store.campaigns.create(campaignSettings('Spring / Sale: 2026!'), clock.now());
    store.campaigns.setFields(c.id, [
      { key: 'first_name', label: 'First name' },
      { key: 'note', label: 'Note' },
    ]);
    store.recipients.insertMany(
      c.id,
      [
        { address: 'ann@x.example', addressKey: 'ann@x.example', fields: { first_name: 'Ann', note: '=cmd|calc' } },
        { address: 'bob@x.example', addressKey: 'bob@x.example', fields: { first_name: 'Bob, Jr.', note: 'a "q"' } },
        { address: 'cy@x.example', addressKey: 'cy@x.example', fields: { first_name: 'Cy' } },
      ],
      clock.now(),
    );
    const t0 = clock.now();
    const ids = ['<m1@campaign-tray.local>', '<m2@campaign-tray.local>'];
    const sent = store.recipients.claim(c.id, acct.id, t0, 60_000, () => ids[0]!)!;
    recordOutcome(store, sent, { state: 'sent' }, t0 + 1000);
    const failed = store.recipients.claim(c.id, acct.id, t0, 60_000, () => ids[1]!)!;
    recordOutcome(
      store,
      failed,
      { state: 'failed', error: '550 5.1.1 User unknown', errorClass: 'recipient' },
      t0 + 2000,
    );

    const file = await h['campaigns.exportResults']({ id: c.id });
    expect(file.filename).toBe('Spring-Sale-2026-results.csv');
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.content.startsWith(BOM)).toBe(true);
    const rows = parse(file.content, { bom: true }) as string[][];
    expect(rows).toEqual([
      ['address', 'First name', 'Note', 'state', 'account', 'sent_at', 'message_id', 'error', 'feedback'],
      ['ann@x.example', 'Ann', "'=cmd|calc", 'sent', 'Local outbox', new Date(t0 + 1000).toISOString(), ids[0], '', ''],
      ['bob@x.example', 'Bob, Jr.', 'a "q"', 'failed', 'Local outbox', '', ids[1], '550 5.1.1 User unknown', ''],
      ['cy@x.example', 'Cy', '', 'queued', '', '', '', '', ''],
    ]);

    // An account removed since leaves the column empty; the export still works.
    store.accounts.remove(acct.id);
    const again = parse((await h['campaigns.exportResults']({ id: c.id })).content, { bom: true }) as string[][];
    expect(again[1]).toEqual([
      'ann@x.example',
      'Ann',
      "'=cmd|calc",
      'sent',
      '',
      new Date(t0 + 1000).toISOString(),
      ids[0],
      '',
      '',
    ]);
  });

  it('exports a header only for a campaign without recipients, and refuses an unknown one', async () => {
    const { h, clock } = setup();
    const c = store.campaigns.create(campaignSettings('***'), clock.now());
    const file = await h['campaigns.exportResults']({ id: c.id });
    expect(file.filename).toBe('campaign-results.csv');
    expect(file.content).toBe(`${BOM}address,state,account,sent_at,message_id,error,feedback\r\n`);
    await expect(async () => h['campaigns.exportResults']({ id: 999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});
