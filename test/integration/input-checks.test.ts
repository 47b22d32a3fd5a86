// Inputs the engine refuses with a sentence that says what to fix: line breaks in names that end
// up in headers, duplicate ids, uploads that are not base64, and templates nested too deep.
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestInput, RequestName } from '../../shared/contract';
import { type Harness, startEngine } from '../helpers/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

async function refused<N extends RequestName>(name: N, input: RequestInput<N>) {
  const r = await h.dispatch(name, input);
  if (r.ok) throw new Error(`${name} should have been refused`);
  return r.error;
}

const smtp = (over: Partial<RequestInput<'accounts.addSmtp'>['smtp']> = {}) => ({
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls' as const,
  username: 'me@example.com',
  ...over,
});

describe('line breaks in names', () => {
  it('refuses CR or LF in a from-name, an account label and a campaign name', async () => {
    h = await startEngine();
    const base = {
      label: 'Work',
      fromName: 'Ann',
      fromAddress: 'ann@example.com',
      smtp: smtp(),
      password: 'secret',
      verify: false,
    };
    for (const bad of ['Ann\r\nBcc: victim@example.com', 'Ann\nX', 'Ann\rX']) {
      const e = await refused('accounts.addSmtp', { ...base, fromName: bad });
      expect(e.code).toBe('invalid_input');
      expect(e.message).toMatch(/fromName: .*one line/);
      expect((await refused('accounts.addSmtp', { ...base, label: bad })).message).toMatch(/label: .*one line/);
      expect((await refused('campaigns.create', { name: bad })).message).toMatch(/name: .*one line/);
    }
    const [outbox] = await h.call('accounts.list', {});
    const e = await refused('accounts.update', { id: outbox!.id, fromName: 'A\r\nB' });
    expect(e.message).toMatch(/one line/);
    const c = await h.call('campaigns.create', { name: 'Spring' });
    expect((await refused('campaigns.update', { id: c.id, patch: { name: 'a\nb' } })).message).toMatch(/one line/);
    expect(h.engine.store.campaigns.get(c.id)!.name).toBe('Spring');
  });

  it('shows in the preview the same from-name the wire carries', async () => {
    h = await startEngine();
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, fromName: 'Ann Example' });
    const c = await h.call('campaigns.create', { name: 'Spring', pool: [outbox!.id] });
    const p = await h.call('templates.preview', { campaignId: c.id });
    const from = p.headers.find(([k]) => k === 'From')![1];
    expect(from).not.toMatch(/[\r\n]/);
    expect(from).toContain('Ann Example');
  });
});

describe('campaigns.reorder', () => {
  it('refuses an order that names a campaign twice', async () => {
    h = await startEngine();
    const a = await h.call('campaigns.create', { name: 'A' });
    const b = await h.call('campaigns.create', { name: 'B' });
    const e = await refused('campaigns.reorder', { ids: [a.id, b.id, a.id] });
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/more than once/);
    await h.call('campaigns.reorder', { ids: [b.id, a.id] });
  });
});

describe('uploads that are not base64', () => {
  it('says the upload is not valid base64 instead of calling it empty', async () => {
    h = await startEngine();
    const c = await h.call('campaigns.create', { name: 'Spring' });
    for (const base64 of ['!!!not base64!!!', 'ZW1haWw', 'ZW1h=aWw=', 'ZW1haWwK\u0000']) {
      const upload = { name: 'list.csv', base64 };
      const e = await refused('recipients.importPreview', { campaignId: c.id, source: { upload } });
      expect(e.code).toBe('invalid_input');
      expect(e.message).toMatch(/not valid base64/);
      expect(e.message).not.toMatch(/empty/);
      const a = await refused('attachments.add', { campaignId: c.id, source: { upload } });
      expect(a.message).toMatch(/not valid base64/);
    }
    // Valid base64 still goes through.
    const ok = Buffer.from('email\nann@example.com\n').toString('base64');
    const p = await h.call('recipients.importPreview', {
      campaignId: c.id,
      source: { upload: { name: 'list.csv', base64: ok } },
    });
    expect(p.emailColumn).toBe(0);
  });
});

describe('templates nested too deep', () => {
  const deep = (n: number) => `${'{{#if email}}'.repeat(n)}x${'{{/if}}'.repeat(n)}`;

  it('names the position instead of overflowing the stack', async () => {
    h = await startEngine();
    const c = await h.call('campaigns.create', { name: 'Spring' });
    const template = { subject: 'Hi', body: `<p>line one</p>\n  ${deep(2_000)}`, format: 'html' as const, text: null };
    const report = await h.call('templates.validate', { campaignId: c.id, template });
    expect(report.ok).toBe(false);
    const [problem] = report.errors;
    expect(problem!.part).toBe('body');
    expect(problem!.message).toMatch(/nested more than \d+ deep/);
    expect(problem!.message).not.toMatch(/call stack/i);
    expect(problem!.line).toBe(2);
    expect(problem!.column).toBeGreaterThan(3);
    const e = await refused('templates.preview', { campaignId: c.id, template });
    expect(e.code).toBe('template_invalid');
    expect(e.message).toMatch(/line 2, column \d+.*nested more than/);
  });

  it('still accepts ordinary nesting', async () => {
    h = await startEngine();
    const c = await h.call('campaigns.create', { name: 'Spring' });
    const template = { subject: 'Hi', body: deep(20), format: 'html' as const, text: null };
    expect((await h.call('templates.validate', { campaignId: c.id, template })).errors).toEqual([]);
  });
});
