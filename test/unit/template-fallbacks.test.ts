// What the composer reports for a template: fields with a fallback exist, a campaign without
// recipients has no unknown fields, and an unclosed block is reported where it opens.
import { describe, expect, it } from 'vitest';
import { unclosedBlock, validateTemplate } from '../../main/engine/messages/template';

const tpl = (body: string, subject = 'Hello {{default first_name "there"}}') => ({
  subject,
  body,
  format: 'html' as const,
  text: null,
});

describe('template checks', () => {
  it('counts a field with a fallback as existing, on a list without it', () => {
    const r = validateTemplate(
      tpl('<p>Hi {{default first_name "there"}},</p>'),
      ['email'],
      [{ email: 'a@x.org' }],
      null,
    );
    expect(r.unknownFields).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('still reports a field without a fallback, and one whose fallback is another field', () => {
    const r = validateTemplate(
      tpl('<p>{{nickname}} {{default title last_name}}</p>'),
      ['email', 'last_name'],
      [{ email: 'a@x.org', last_name: 'L' }],
      null,
    );
    expect(r.unknownFields.sort()).toEqual(['nickname', 'title']);
  });

  it('calls nothing unknown before any recipient is imported', () => {
    const r = validateTemplate(tpl('<p>{{first_name}}</p>', 'Hi {{first_name}}'), [], [], null);
    expect(r.unknownFields).toEqual([]);
    expect(r.checkedRecipients).toBe(0);
  });

  it('reports an unclosed block at the line and column where it opens', () => {
    const r = validateTemplate(
      tpl('<p>Intro</p>\n  {{#if first_name}}\n<p>unclosed</p>\n<p>end</p>'),
      ['email', 'first_name'],
      [],
      null,
    );
    expect(r.errors).toEqual([
      expect.objectContaining({ part: 'body', line: 2, column: 3, message: expect.stringContaining('{{/if}}') }),
    ]);
  });

  it.each([
    ['{{#if a}}x{{/if}}', null],
    ['{{#if a}}{{#each b}}x{{/each}}', { name: 'if', line: 1, column: 1 }],
    ['a\n  {{#unless b}}x{{else}}y', { name: 'unless', line: 2, column: 3 }],
    ['x\n{{#each items}}\n{{#if a}}y{{/if}}', { name: 'each', line: 2, column: 1 }],
  ])('unclosedBlock(%j)', (source, expected) => {
    expect(unclosedBlock(source)).toEqual(expected);
  });
});
