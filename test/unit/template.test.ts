import { afterEach, describe, expect, it } from 'vitest';
import { templatesHandlers } from '../../main/engine/api/templates-api';
import { AppError } from '../../main/engine/errors';
import { UNSUBSCRIBE_KEY } from '../../main/engine/feedback/token-key';
import { createHelpers, formatDateParts, parseDateInput } from '../../main/engine/messages/helpers';
import {
  cleanSubject,
  compileTemplate,
  markdownToTemplate,
  renderUrlTemplate,
  validateTemplate,
} from '../../main/engine/messages/template';
import { unsubscribeToken } from '../../main/engine/messages/unsubscribe';
import type { Store } from '../../main/engine/store';
import type { CampaignSettings, CampaignTemplate } from '../../shared/domain';
import { campaignSettings, testContext } from '../helpers/context';
import { limits } from '../helpers/limits';
import { ManualClock } from '../helpers/manual-clock';
import { tmpDir } from '../helpers/tmp';

const html = (body: string, extra: Partial<CampaignTemplate> = {}): CampaignTemplate => ({
  subject: 'Hello',
  body,
  format: 'html',
  text: null,
  ...extra,
});
const md = (body: string): CampaignTemplate => ({ subject: 'Hello', body, format: 'markdown', text: null });

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('helpers', () => {
  const fixedNow = () => new Date(2026, 2, 7, 14, 5); // local time, 7 March 2026 14:05
  const h = createHelpers(fixedNow);
  const opts = { hash: {}, fn: () => '', inverse: () => '' };

  it.each([
    ['default', ['Ann', 'there'], 'Ann'],
    ['default', ['', 'there'], 'there'],
    ['default', ['   ', 'there'], 'there'],
    ['default', [undefined, 'there'], 'there'],
    ['default', [undefined, '', 'third'], 'third'],
    ['default', [null, undefined], ''],
    ['default', [42, 'x'], '42'],
    ['capitalize', ['ann'], 'Ann'],
    ['capitalize', ['mcDonald'], 'McDonald'],
    ['capitalize', ['élodie'], 'Élodie'],
    ['capitalize', [''], ''],
    ['capitalize', [undefined], ''],
    ['capitalize', [], ''],
    ['upper', ['straße'], 'STRASSE'],
    ['upper', [undefined], ''],
    ['lower', ['ÄBC'], 'äbc'],
    ['lower', [{ toString: () => 'x' }], ''],
    ['date', ['2026-01-05', 'D MMMM YYYY'], '5 January 2026'],
    ['date', ['2026-01-05', 'DD.MM.YYYY'], '05.01.2026'],
    ['date', ['2026-12-31', 'MMM D'], 'Dec 31'],
    ['date', ['2026-01-05'], '2026-01-05'],
    ['date', ['2026-01-05', ''], '2026-01-05'],
    ['date', ['2026-02-30', 'YYYY'], '2026-02-30'],
    ['date', ['05/01/2026', 'YYYY'], '05/01/2026'],
    ['date', ['not a date', 'YYYY'], 'not a date'],
    ['date', [undefined, 'YYYY'], ''],
    ['date', ['now', 'YYYY-MM-DD HH:mm'], '2026-03-07 14:05'],
    ['date', ['NOW', 'M/D'], '3/7'],
  ])('%s(%j) → %j', (name, args, expected) => {
    const fn = h[name as keyof typeof h];
    expect(fn(...args, opts)).toBe(expected);
  });

  it('reads ISO date-times in local time and keeps calendar days unshifted', () => {
    const t = new Date(2026, 0, 5, 9, 30);
    const iso = t.toISOString();
    expect(parseDateInput(iso, fixedNow)).toEqual({ year: 2026, month: 1, day: 5, hour: 9, minute: 30 });
    expect(parseDateInput('2026-01-05', fixedNow)).toEqual({ year: 2026, month: 1, day: 5, hour: 0, minute: 0 });
    expect(formatDateParts({ year: 2026, month: 1, day: 5, hour: 9, minute: 7 }, 'Today is D MMM, HH:mm')).toBe(
      'Today is 5 Jan, 09:07',
    );
  });

  it('is wired into templates', () => {
    const t = compileTemplate(
      html(
        '{{default nick first_name "there"}} {{capitalize city}} {{upper city}} {{lower loud}} {{date d "D MMMM YYYY"}}',
      ),
    );
    expect(t.render({ first_name: 'Ann', city: 'berlin', loud: 'HEY', d: '2026-01-05' }).html).toBe(
      'Ann Berlin BERLIN hey 5 January 2026',
    );
    expect(t.render({}).html).toBe('there    ');
  });
});

describe('compileTemplate: rendering', () => {
  it('escapes merge values in the HTML body but not in subject or text', () => {
    const t = compileTemplate(html('<p>Hi {{name}}</p>', { subject: 'For {{name}} & co', text: 'Hi {{name}}' }));
    const r = t.render({ name: '<b>"Ann" & Bob</b>' });
    expect(r.html).toBe('<p>Hi &lt;b&gt;&quot;Ann&quot; &amp; Bob&lt;/b&gt;</p>');
    expect(r.subject).toBe('For <b>"Ann" & Bob</b> & co');
    expect(r.text).toBe('Hi <b>"Ann" & Bob</b>');
  });

  it.each([
    ['Ann\r\nBcc: evil@x', 'Hi Ann Bcc: evil@x'],
    ['Ann\nX', 'Hi Ann X'],
    ['Ann\rX', 'Hi Ann X'],
    ['Ann\t\tX', 'Hi Ann X'],
    ['Ann\u0000\u0007\u001bX', 'Hi Ann X'],
    ['Ann\u2028X\u0085', 'Hi Ann X'],
    ['  \r\n', 'Hi'],
  ])('keeps control characters of %j out of the subject', (name, subject) => {
    const r = compileTemplate(html('x', { subject: 'Hi {{name}}' })).render({ name });
    expect(r.subject).toBe(subject);
    expect(r.subject).not.toMatch(/[\r\n\t\u0000-\u001f]/);
  });

  it('cleans a subject whose template itself has line breaks', () => {
    expect(cleanSubject('\r\n  A\r\n\r\nB  ')).toBe('A B');
  });

  it.each([
    '{{constructor}}',
    '{{__proto__}}',
    '{{#with this}}{{constructor.name}}{{/with}}',
    '{{lookup this "constructor"}}',
    '{{constructor.constructor}}',
    '{{this.constructor.name}}',
    '{{@root.constructor}}',
    '{{#each this}}{{@key}}{{/each}}',
    '{{lookup (lookup this "constructor") "name"}}',
    '{{name.constructor.name}}',
    '{{name.toUpperCase}}',
    '{{#with name}}{{trim}}{{/with}}',
    '{{name.__proto__.length}}',
  ])('gives templates no prototype access: %s', (body) => {
    const r = compileTemplate(html(`[${body}]`)).render({ name: 'Ann' });
    expect(r.html).not.toMatch(/Object|String|Function|native code/);
    if (!body.includes('#each')) expect(r.html).toBe('[]');
  });

  it('iterates only the merge fields themselves', () => {
    const r = compileTemplate(html('{{#each this}}{{@key}}={{this}};{{/each}}')).render({ a: '1', b: '2' });
    expect(r.html).toBe('a=1;b=2;');
  });

  it('renders missing fields empty instead of throwing', () => {
    const t = compileTemplate(html('[{{first_name}}][{{a.b.c}}][{{#if x}}x{{else}}no{{/if}}]'));
    expect(t.render({}).html).toBe('[][][no]');
  });

  it('derives plain text from the HTML when the template has none', () => {
    const t = compileTemplate(
      html(
        '<h1>Welcome {{name}}</h1><p>Read <a href="https://x.example/a">the guide</a>.</p><img src="x.png" alt="logo">',
      ),
    );
    const r = t.render({ name: 'Ann & Bob' });
    expect(r.text).toContain('Welcome Ann & Bob');
    expect(r.text).toContain('the guide [https://x.example/a]');
    expect(r.text).not.toContain('<');
    expect(r.text).not.toContain('logo');
  });

  it('uses the given plain text when there is one', () => {
    const r = compileTemplate(html('<p>HTML</p>', { text: 'Plain {{n}}' })).render({ n: '1' });
    expect(r.text).toBe('Plain 1');
  });

  it('lists the fields it reads, without helpers and built-ins', () => {
    const t = compileTemplate({
      subject: '{{upper city}} {{email}}',
      body: '{{#if first_name}}{{default first_name "x"}}{{/if}} {{unsubscribe_url}} {{#each items}}{{this}}{{/each}}',
      format: 'html',
      text: '{{@root.last_name}} {{date signup}}',
    });
    expect(t.fields.sort()).toEqual(['city', 'first_name', 'items', 'last_name', 'signup']);
  });
});

describe('compileTemplate: Markdown', () => {
  it('keeps merge values as escaped text, never as Markdown', () => {
    const t = compileTemplate(md('# Hi {{name}}\n\nYour city: **{{city}}**'));
    const r = t.render({ name: '*Ann* [click](https://evil.example)', city: '<script>x</script>' });
    expect(r.html).toContain('<h1>Hi *Ann* [click](https://evil.example)</h1>');
    expect(r.html).toContain('<strong>&lt;script&gt;x&lt;/script&gt;</strong>');
    expect(r.html).not.toContain('<em>');
    expect(r.html).not.toContain('href="https://evil');
  });

  it('keeps helper arguments and links with merge fields intact', () => {
    const t = compileTemplate(md('Hello {{default first_name "there"}}, see [your page](https://x.example/u/{{id}}).'));
    expect(t.render({ id: '42' }).html).toBe(
      '<p>Hello there, see <a href="https://x.example/u/42">your page</a>.</p>\n',
    );
  });

  it('lets a block tag on its own line wrap Markdown without leaving empty paragraphs', () => {
    const t = compileTemplate(md('Start\n\n{{#if vip}}\n\n**VIP** offer\n\n{{/if}}\n\nEnd'));
    expect(t.render({ vip: 'yes' }).html).toBe('<p>Start</p>\n<p><strong>VIP</strong> offer</p>\n<p>End</p>\n');
    expect(t.render({}).html).toBe('<p>Start</p>\n<p>End</p>\n');
  });

  it('does not confuse text that looks like its placeholders with a mustache', () => {
    const out = markdownToTemplate('hbsx0hbsx {{a}}');
    expect(out).toBe('<p>hbsx0hbsx {{a}}</p>\n');
  });
});

describe('compileTemplate: errors', () => {
  it.each<[string, CampaignTemplate, RegExp]>([
    // Named where it opens, not at the end of the text where Handlebars notices.
    [
      'unclosed block',
      html('line one\n{{#if x}}\nmore'),
      /body has an error \(line 2, column 1\).*\{\{#if\}\} is never closed/,
    ],
    ['unclosed mustache', html('ok', { subject: 'Hi {{name' }), /subject has an error \(line 1, column 6\).*unclosed/],
    [
      'mismatched block',
      html('a\n  {{#if a}}{{/each}}'),
      /body has an error \(line 2, column 6\).*if doesn't match each/,
    ],
    [
      'unknown helper',
      html('x', { text: 'A\nB {{shout name}}' }),
      /plain-text version has an error \(line 2, column 3\).*"shout" is not a helper/,
    ],
    ['partial', html('{{> footer}}'), /body has an error \(line 1, column 1\).*Partials/],
    ['inline if', html('{{if a}}'), /works only as a block/],
    ['if without value', html('{{#if}}x{{/if}}'), /takes exactly one value/],
    ['block upper', html('{{#upper a}}x{{/upper}}'), /not a block helper/],
    ['lookup arity', html('{{lookup a}}'), /lookup.*two values/],
    ['upper arity', html('{{upper}}'), /upper.*one value/],
    ['nested misuse', html('{{default (each a) "x"}}'), /works only as a block/],
    ['log helper', html('{{log name}}'), /"log" is not a helper/],
    ['markdown error at its own position', md('# Title\n\nHi {{#if a}}'), /body has an error \(line 3/],
  ])('%s', (_, t, message) => {
    const err = thrown(() => compileTemplate(t));
    expect(err.code).toBe('template_invalid');
    expect(err.message).toMatch(message);
  });
});

describe('validateTemplate', () => {
  const t: CampaignTemplate = {
    subject: 'Hi {{first_name}}',
    body: '<p>{{default nickname first_name "friend"}}</p>{{#if city}}<p>{{city}}</p>{{/if}}<p>{{upper company}} {{email}}</p>',
    format: 'html',
    text: null,
  };
  const known = ['first_name', 'nickname', 'city', 'company'];

  it('counts recipients with empty or missing fields where they would show', () => {
    const report = validateTemplate(
      t,
      known,
      [
        { first_name: 'Ann', city: '', company: 'ACME' },
        { first_name: '', nickname: 'Bo', company: '  ' },
        { company: 'X' },
      ],
      null,
    );
    expect(report).toEqual({
      ok: true,
      errors: [],
      unknownFields: [],
      // first_name: the subject (2 recipients); nickname and the fallback literal never empty;
      // city only inside {{#if city}}; company is blank for one.
      emptyFields: [
        { field: 'first_name', recipients: 2 },
        { field: 'company', recipients: 1 },
      ],
      checkedRecipients: 3,
    });
  });

  it('treats default with only field fallbacks as empty when all of them are', () => {
    const report = validateTemplate(html('{{default nickname first_name}}'), known, [{}, { first_name: 'A' }], null);
    expect(report.emptyFields).toEqual([{ field: 'nickname', recipients: 1 }]);
  });

  it('honours {{#unless}}…{{else}} and {{#field}} sections as guards', () => {
    const report = validateTemplate(
      html('{{#unless city}}none{{else}}{{city}}{{/unless}} {{#company}}{{company}}{{/company}}'),
      known,
      [{}],
      null,
    );
    expect(report.emptyFields).toEqual([]);
  });

  it('reports unknown fields and is then not ok', () => {
    const report = validateTemplate(html('{{frist_name}} {{email}} {{#if x.y}}{{/if}}'), known, [{}], null);
    expect(report.ok).toBe(false);
    expect(report.unknownFields).toEqual(['frist_name', 'x.y']);
    expect(report.emptyFields).toEqual([]);
  });

  it('reports a syntax error in every part, with positions', () => {
    const report = validateTemplate(
      { subject: '{{a', body: 'ok\n{{#each x}}', format: 'html', text: '{{> p}}' },
      known,
      [],
      'https://x.example/u?e={{email',
    );
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => [e.part, e.line, e.column])).toEqual([
      ['subject', 1, 3],
      ['body', 2, 1],
      ['text', 1, 1],
      ['unsubscribe', 1, 25],
    ]);
  });

  it('requires an https unsubscribe URL', () => {
    const report = validateTemplate(html('x'), known, [], 'http://x.example/u?e={{email}}');
    expect(report.errors).toEqual([
      expect.objectContaining({ part: 'unsubscribe', message: expect.stringMatching(/https/) }),
    ]);
    expect(validateTemplate(html('x'), known, [], 'https://x.example/u?e={{email}}&c={{city}}').ok).toBe(true);
  });

  it('refuses {{unsubscribe_url}} when the campaign has no URL template', () => {
    const report = validateTemplate(html('<a href="{{unsubscribe_url}}">out</a>'), known, [], null);
    expect(report.ok).toBe(false);
    expect(report.errors[0]).toMatchObject({ part: 'body', message: expect.stringMatching(/no unsubscribe URL/) });
    expect(validateTemplate(html('{{unsubscribe_url}}'), known, [], 'https://x.example/{{email}}').ok).toBe(true);
  });

  it('streams 100k recipients without collecting them', () => {
    let produced = 0;
    function* many() {
      for (let i = 0; i < 100_000; i++) {
        produced++;
        yield i % 4 === 0 ? { first_name: '', company: 'c' } : { first_name: 'A', company: 'c' };
      }
    }
    const started = performance.now();
    const report = validateTemplate(t, known, many(), null);
    expect(produced).toBe(100_000);
    expect(report.checkedRecipients).toBe(100_000);
    expect(report.emptyFields).toEqual([{ field: 'first_name', recipients: 25_000 }]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('renderUrlTemplate', () => {
  it('percent-encodes every value', () => {
    expect(renderUrlTemplate('https://x.example/u?e={{email}}&n={{n}}', { email: 'a+b@c.d', n: 'x y&z=1/#' })).toBe(
      'https://x.example/u?e=a%2Bb%40c.d&n=x%20y%26z%3D1%2F%23',
    );
  });

  it('keeps line breaks from a value out of the URL', () => {
    expect(renderUrlTemplate('https://x.example/u?n={{n}}', { n: 'a\r\nBcc: evil@x' })).toBe(
      'https://x.example/u?n=a%0D%0ABcc%3A%20evil%40x',
    );
  });

  it.each<[string, string, Record<string, string>]>([
    ['http', 'http://x.example/u', {}],
    ['javascript', 'javascript:alert(1)', {}],
    ['not a URL', 'unsubscribe me', {}],
    ['a scheme from a field', '{{base}}/u', { base: 'https://x.example' }],
    ['a host changed by a field', 'https://x.example{{n}}', { n: '@evil.example' }],
  ])('refuses %s', (_, template, vars) => {
    const err = thrown(() => renderUrlTemplate(template, vars));
    expect(err.code).toBe('template_invalid');
    expect(err.message).toMatch(/https:\/\//);
  });
});

// ---- the request handlers ----------------------------------------------------------------------

const LIMITS = limits({ perMinute: 10, perHour: 100, perDay: 400, maxConcurrent: 1 });

const settings = (over: Partial<CampaignSettings> = {}): CampaignSettings =>
  campaignSettings('Spring', {
    template: {
      subject: 'Hi {{capitalize first_name}}',
      body: '<p>Hello {{first_name}} from {{city}}</p>',
      format: 'html',
      text: null,
    },
    ...over,
  });

describe('templates handlers', () => {
  let store: Store;
  afterEach(() => store?.close());

  function setup() {
    const clock = new ManualClock();
    const ctx = testContext(tmpDir(), clock);
    store = ctx.store;
    return { ctx, h: templatesHandlers(ctx), clock };
  }

  const withFields = (id: number) =>
    store.campaigns.setFields(id, [
      { key: 'first_name', label: 'First name' },
      { key: 'city', label: 'City' },
    ]);

  it('validates the saved template, or the one given, against the recipients', async () => {
    const { h, clock } = setup();
    const c = store.campaigns.create(settings(), clock.now());
    withFields(c.id);
    store.recipients.insertMany(
      c.id,
      [
        { address: 'a@x.example', addressKey: 'a@x.example', fields: { first_name: 'ann', city: '' } },
        { address: 'b@x.example', addressKey: 'b@x.example', fields: { first_name: '', city: 'Rome' } },
        { address: 'c@x.example', addressKey: 'c@x.example', fields: { first_name: '', city: '' } },
      ],
      clock.now(),
    );
    const saved = await h['templates.validate']({ campaignId: c.id });
    expect(saved).toMatchObject({
      ok: true,
      checkedRecipients: 3,
      emptyFields: [
        { field: 'first_name', recipients: 2 },
        { field: 'city', recipients: 2 },
      ],
    });
    const given = await h['templates.validate']({ campaignId: c.id, template: html('{{nope}}') });
    expect(given).toMatchObject({ ok: false, unknownFields: ['nope'], checkedRecipients: 3 });
    await expect(async () => h['templates.validate']({ campaignId: 999 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('previews with sample values and the outbox sender when there is nothing yet', async () => {
    const { h, clock } = setup();
    const c = store.campaigns.create(settings(), clock.now());
    withFields(c.id);
    const p = await h['templates.preview']({ campaignId: c.id });
    expect(p).toMatchObject({
      recipientId: null,
      address: 'recipient@example.com',
      subject: 'Hi Sample first_name',
      html: '<p>Hello Sample first_name from Sample city</p>',
      text: 'Hello Sample first_name from Sample city',
    });
    expect(p.headers).toEqual([
      ['From', 'Campaign Tray Test <test@campaign-tray.local>'],
      ['To', 'recipient@example.com'],
      ['List-Unsubscribe', '<mailto:test@campaign-tray.local?subject=unsubscribe>'],
    ]);
    expect(p.unsubscribeNote).toMatch(/carries their own unsubscribe token; this sample has none/);

    const outbox = store.accounts.create(
      {
        kind: 'outbox',
        label: 'Outbox',
        fromName: 'Local Outbox',
        fromAddress: 'outbox@campaign-tray.local',
        limits: LIMITS,
      },
      clock.now(),
    );
    const p2 = await h['templates.preview']({ campaignId: c.id });
    expect(p2.headers[0]).toEqual(['From', 'Local Outbox <outbox@campaign-tray.local>']);
    expect(outbox.kind).toBe('outbox');
  });

  it('previews a real recipient with the pool sender, reply-to and one-click unsubscribe', async () => {
    const { h, clock, ctx } = setup();
    const acct = store.accounts.create(
      {
        kind: 'smtp',
        label: 'Work',
        fromName: 'Ann, Sales',
        fromAddress: 'ann@corp.example',
        limits: LIMITS,
        smtp: { host: 'smtp.corp.example', port: 587, security: 'starttls', username: 'ann', timeoutMs: 30_000 },
        preset: 'custom',
      },
      clock.now(),
    );
    const c = store.campaigns.create(
      settings({
        pool: [acct.id],
        replyTo: 'replies@corp.example',
        unsubscribe: { mailto: 'optout@corp.example', urlTemplate: 'https://corp.example/u?e={{email}}' },
        template: {
          subject: 'Hi {{first_name}}',
          body: '<a href="{{unsubscribe_url}}">Unsubscribe</a>',
          format: 'html',
          text: null,
        },
      }),
      clock.now(),
    );
    withFields(c.id);
    store.recipients.insertMany(
      c.id,
      [
        { address: 'first@x.example', addressKey: 'first@x.example', fields: { first_name: 'First', city: '' } },
        { address: 'bob@x.example', addressKey: 'bob@x.example', fields: { first_name: 'Bob', city: 'Oslo' } },
      ],
      clock.now(),
    );
    const bob = store.recipients.list(c.id, { search: 'bob', limit: 10 }).rows[0]!;

    const first = await h['templates.preview']({ campaignId: c.id });
    expect(first.address).toBe('first@x.example');

    const p = await h['templates.preview']({ campaignId: c.id, recipientId: bob.id });
    expect(p.recipientId).toBe(bob.id);
    expect(p.subject).toBe('Hi Bob');
    expect(p.html).toBe('<a href="https://corp.example/u?e&#x3D;bob%40x.example">Unsubscribe</a>');
    // Bob's own token, as the sender signs it: the preview shows the header Bob will get.
    const key = Buffer.from((await ctx.secrets.get(UNSUBSCRIBE_KEY))!, 'hex');
    const token = unsubscribeToken(key, bob.id, 'bob@x.example');
    expect(p.headers).toEqual([
      ['From', '"Ann, Sales" <ann@corp.example>'],
      ['To', 'bob@x.example'],
      ['Reply-To', 'replies@corp.example'],
      [
        'List-Unsubscribe',
        `<mailto:optout@corp.example?subject=unsubscribe%20${token}>, <https://corp.example/u?e=bob%40x.example>`,
      ],
      ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
    ]);
    expect(p.unsubscribeNote).toMatch(/this recipient’s own/);
    expect(p.unsubscribeNote).not.toMatch(/other accounts/);

    // With a second account in the pool, the note names the account the preview is shown through.
    const second = store.accounts.create(
      { kind: 'outbox', label: 'Spare', fromName: 'Spare', fromAddress: 'spare@corp.example', limits: LIMITS },
      clock.now(),
    );
    store.campaigns.saveSettings(c.id, { ...store.campaigns.get(c.id)!, pool: [acct.id, second.id] }, clock.now());
    const rotating = await h['templates.preview']({ campaignId: c.id, recipientId: bob.id });
    expect(rotating.unsubscribeNote).toMatch(
      /Shown as sent through Work; the pool’s other accounts send from their own/,
    );

    const other = store.campaigns.create(settings({ name: 'Other' }), clock.now());
    await expect(async () =>
      h['templates.preview']({ campaignId: other.id, recipientId: bob.id }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(async () =>
      h['templates.preview']({ campaignId: c.id, template: html('{{#if x}}') }),
    ).rejects.toMatchObject({ code: 'template_invalid' });
  });
});
