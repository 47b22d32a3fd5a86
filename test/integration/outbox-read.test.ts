// Reading a stored outbox message back: the raw source as written, and its HTML and text parts
// decoded for the page's sandboxed preview.
import { afterEach, describe, expect, it } from 'vitest';
import { addRecipients, type Harness, runUntil, startEngine } from '../helpers/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

describe('outbox.read', () => {
  it('returns the raw message and its decoded HTML and text parts', async () => {
    h = await startEngine();
    const [outbox] = await h.call('accounts.list', {});
    const c = await h.call('campaigns.create', {
      name: 'Read back',
      pool: [outbox!.id],
      template: {
        subject: 'Grüße, {{first_name}}',
        body: '<h1>Hallo {{first_name}}</h1><p>Größe: ÄÖÜ ✓</p>',
        format: 'html',
        text: null,
      },
    });
    addRecipients(h, c.id, ['ada@example.test']);
    await h.call('campaigns.start', { id: c.id });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 1, 10 * 60_000);

    const [item] = (await h.call('outbox.list', { campaignId: c.id })).rows;
    const read = await h.call('outbox.read', { id: item!.id });
    expect(read.raw).toMatch(/^[\s\S]*\r\nSubject: /);
    // Encoded on the wire (quoted-printable or base64), decoded for the preview.
    expect(read.html).toContain('<h1>Hallo N0</h1>');
    expect(read.html).toContain('Größe: ÄÖÜ ✓');
    expect(read.text).toContain('Hallo N0');
    expect(read.text).toContain('Größe: ÄÖÜ ✓');
  });
});
