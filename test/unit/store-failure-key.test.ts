import { describe, expect, it } from 'vitest';
import { failureKey } from '../../main/engine/store/failure-key';

describe('failureKey', () => {
  it.each<[string, string, string]>([
    [
      'Postfix user unknown, address in brackets',
      'The recipient address does not exist or cannot receive mail (550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown in virtual mailbox table)',
      'The recipient address does not exist or cannot receive mail (550 5.1.1 <address>: Recipient address rejected: User unknown in virtual mailbox table)',
    ],
    [
      'bare address',
      '550 5.1.1 grace.hopper+news@mail.example.org does not exist',
      '550 5.1.1 <address> does not exist',
    ],
    [
      'Gmail rejection with its transaction id',
      '550-5.1.1 The email account that you tried to reach does not exist. a1b2c3d4e5f6.12 - gsmtp',
      '550-5.1.1 The email account that you tried to reach does not exist. <id>.12 - gsmtp',
    ],
    ['Postfix queue id', '250 2.0.0 Ok: queued as 4F3A2B1C9D', '250 2.0.0 Ok: queued as <id>'],
    [
      'Message-ID',
      '554 5.7.1 Message <20260105.abc123@campaign-tray.local> rejected',
      '554 5.7.1 Message <address> rejected',
    ],
    ['uuid', 'Request 3f2504e0-4f89-11d3-9a0c-0305e82c3301 failed: 500', 'Request <id> failed: 500'],
    [
      'IPv4',
      '421 4.7.0 [192.0.2.17] Our system has detected an unusual rate',
      '421 4.7.0 [<ip>] Our system has detected an unusual rate',
    ],
    ['long numbers', 'Message size 10485760 exceeds limit 5242880', 'Message size <n> exceeds limit <n>'],
    ['reply code and enhanced code kept', '452 4.2.2 Mailbox full', '452 4.2.2 Mailbox full'],
    ['whitespace collapsed', '550  5.7.515\n Access denied', '550 5.7.515 Access denied'],
    ['no message', '', ''],
  ])('%s', (_title, message, key) => {
    expect(failureKey(message)).toBe(key);
  });

  it('maps differing addresses and ids to one key', () => {
    const a = failureKey('550 5.1.1 <a@example.com>: User unknown (queued as 1A2B3C4D5E)');
    const b = failureKey('550 5.1.1 <zed.long-name@other.example>: User unknown (queued as 9F8E7D6C5B)');
    expect(a).toBe(b);
  });

  it('keeps different enhanced codes apart', () => {
    expect(failureKey('550 5.1.1 <a@x.test> unknown')).not.toBe(failureKey('550 5.2.1 <a@x.test> unknown'));
  });

  it('names a missing message', () => {
    expect(failureKey(null)).toBe('Unknown error');
  });
});
