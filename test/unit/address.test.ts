import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../main/engine/recipients/address';

describe('parseAddress accepts', () => {
  const cases: [cell: string, address: string, key: string, name: string | null][] = [
    ['jane@example.com', 'jane@example.com', 'jane@example.com', null],
    ['  Jane.Doe@Example.COM \t', 'Jane.Doe@Example.COM', 'jane.doe@example.com', null],
    ['Jane Doe <jane@example.com>', 'jane@example.com', 'jane@example.com', 'Jane Doe'],
    ['"Doe, Jane" <jane@example.com>', 'jane@example.com', 'jane@example.com', 'Doe, Jane'],
    ['Doe, Jane <jane@example.com>', 'jane@example.com', 'jane@example.com', 'Doe, Jane'],
    ['<jane@example.com>', 'jane@example.com', 'jane@example.com', null],
    ['mailto:jane@example.com', 'jane@example.com', 'jane@example.com', null],
    ['jane@example.com;', 'jane@example.com', 'jane@example.com', null],
    ['\u200bjane@example.com\u00a0', 'jane@example.com', 'jane@example.com', null],
    ['jane+news@mail.example.co.uk', 'jane+news@mail.example.co.uk', 'jane+news@mail.example.co.uk', null],
    ["o'brien@example.ie", "o'brien@example.ie", "o'brien@example.ie", null],
    ['user@münchen.de', 'user@münchen.de', 'user@münchen.de', null],
    ['user@xn--mnchen-3ya.de', 'user@xn--mnchen-3ya.de', 'user@xn--mnchen-3ya.de', null],
  ];
  it.each(cases)('%j', (cell, address, key, name) => {
    expect(parseAddress(cell)).toEqual({ ok: true, address, key, name });
  });
});

describe('parseAddress rejects with a reason', () => {
  const cases: [cell: string, reason: RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['jane.example.com', /no @/],
    ['jane@@example.com', /more than one @/],
    ['jane@example@com', /more than one @/],
    ['@example.com', /nothing before the @/],
    ['jane@', /nothing after the @/],
    ['jane doe@example.com', /space/],
    ['jane@example', /no dot/],
    ['jane@example..com', /two dots/],
    ['jane@.example.com', /two dots|starts or ends/],
    ['.jane@example.com', /part before the @ starts or ends with a dot/],
    ['ja..ne@example.com', /two dots in a row/],
    ['ja(ne@example.com', /contains "\("/],
    ['"jane"@example.com', /contains """/],
    ['jane@exa_mple.com', /contains "_"/],
    ['jane@-example.com', /hyphen/],
    ['jane@[192.168.0.1]', /IP address/],
    ['jane@example.c', /top-level domain/],
    ['jane@1.2.3.4', /top-level domain/],
    [`${'a'.repeat(65)}@example.com`, /longer than 64/],
    [`a@${'b'.repeat(64)}.com`, /longer than 63/],
    [`a@${'b.'.repeat(130)}com`, /longer than 254/],
    ['Jane <jane@example.com', /do not pair up/],
    ['Jane <>', /no address between/],
    ['a@x.com, b@y.com', /several addresses/],
    ['a@x.com; b@y.com', /several addresses/],
    ['a@x.com b@y.com', /several addresses/],
    ['a@x.com ::: b@y.com', /several addresses/],
    ['Jane <a@x.com>, Joe <b@y.com>', /several addresses/],
    ['jane@gmail,com', /contains ","/],
  ];
  it.each(cases)('%j', (cell, reason) => {
    const r = parseAddress(cell);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
