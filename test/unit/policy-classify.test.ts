import { describe, expect, it } from 'vitest';
import { classify, parseRetryAfter } from '../../main/engine/policy/classify';
import type { TransportFailure } from '../../main/engine/transports/transport';
import { FAILURE_CLASSES, type FailureClass } from '../../shared/domain';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const H = 3_600_000;

const smtp = (
  responseCode: number | null,
  response: string,
  code: string | null = null,
  command: string | null = null,
) => ({ source: 'smtp', responseCode, response, code, command }) as const satisfies TransportFailure;
const http = (status: number, message: string, reason: string | null = null, retryAfter: string | null = null) =>
  ({ source: 'http', status, reason, message, retryAfter }) as const satisfies TransportFailure;

describe('classify: SMTP', () => {
  it.each<[string, TransportFailure, FailureClass]>([
    // throttling and temporary server trouble
    [
      'Gmail 421 try again later',
      smtp(421, '421-4.7.0 Try again later, closing connection. (EHLO)\n421 4.7.0 gsmtp'),
      'throttle',
    ],
    ['450 temporary', smtp(450, '450 Requested mail action not taken'), 'throttle'],
    ['451 local error', smtp(451, '451 4.3.0 Mail server temporarily rejected message.'), 'throttle'],
    ['452 insufficient storage on the server', smtp(452, '452 Insufficient system storage'), 'throttle'],
    [
      '454 too many logins during AUTH (nodemailer EAUTH)',
      smtp(454, '454 4.7.0 Too many login attempts, please try again later.', 'EAUTH', 'AUTH PLAIN'),
      'throttle',
    ],
    ['SES 454 throttling', smtp(454, '454 Throttling failure: Maximum sending rate exceeded.'), 'throttle'],
    [
      'rate wording on a permanent code rests the account',
      smtp(550, '550 5.7.1 Rate limit reached for this sender'),
      'quota',
    ],
    ['"too many" wording on a permanent code', smtp(550, '550 Too many connections from your IP'), 'quota'],
    ['"too many" wording on a temporary code', smtp(450, '450 Too many connections from your IP'), 'throttle'],
    ['greylisting 4.7.1', smtp(451, '451 4.7.1 Greylisted, please try again later'), 'throttle'],
    ['4.7.x policy on a generic 4xx code', smtp(432, '432 4.7.12 A password transition is needed'), 'throttle'],
    ['code only in the response text', smtp(null, '421 4.7.0 Try again later'), 'throttle'],

    // quota spent
    [
      'Gmail 550 5.4.5 daily quota',
      smtp(550, '550 5.4.5 Daily sending quota exceeded. https://support.google.com/mail/?p=SendingQuotaExceeded'),
      'quota',
    ],
    ['Gmail daily user sending limit', smtp(550, '550 5.4.5 Daily user sending limit exceeded.'), 'quota'],
    ['550 5.4.5 without wording', smtp(550, '550 5.4.5 Limit reached'), 'quota'],
    ['SES 554 daily quota', smtp(554, '554 Throttling failure: Daily message quota exceeded.'), 'quota'],
    [
      'Outlook submission quota',
      smtp(554, '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException'),
      'quota',
    ],
    ['quota on a temporary code', smtp(451, '451 4.3.0 Sending quota exceeded, try tomorrow'), 'quota'],

    // a full mailbox is the recipient's quota, not ours
    [
      '452 4.2.2 mailbox over quota',
      smtp(452, '452-4.2.2 The email account that you tried to reach is over quota.'),
      'transient',
    ],
    [
      '552 5.2.2 mailbox full',
      smtp(552, '552-5.2.2 The email account that you tried to reach is over quota'),
      'message',
    ],
    [
      '450 4.2.1 mailbox disabled for now',
      smtp(450, '450 4.2.1 The user you are trying to contact is receiving mail too slowly'),
      'transient',
    ],
    [
      '452 4.2.2 mailbox full, try later: not the account',
      smtp(452, '452 4.2.2 Mailbox full, try again later'),
      'transient',
    ],
    [
      '450 4.1.1 recipient check failed for now',
      smtp(450, '450 4.1.1 Recipient address verification in progress'),
      'transient',
    ],

    // credentials
    [
      'Gmail 535 bad credentials',
      smtp(
        535,
        '535-5.7.8 Username and Password not accepted.\n535 5.7.8 https://support.google.com',
        'EAUTH',
        'AUTH PLAIN',
      ),
      'auth',
    ],
    ['535 without nodemailer code', smtp(535, '535 Authentication failed'), 'auth'],
    [
      '534 application-specific password required',
      smtp(534, '534-5.7.9 Application-specific password required.'),
      'auth',
    ],
    ['530 authentication required', smtp(530, '530 5.7.0 Authentication Required'), 'auth'],
    ['EAUTH without a server answer (missing credentials)', smtp(null, '', 'EAUTH', 'API'), 'auth'],
    ['5.7.8 on another code', smtp(504, '504 5.7.8 Authentication credentials invalid'), 'auth'],
    ['permanent answer to AUTH', smtp(504, '504 5.5.4 Unrecognized authentication type', null, 'AUTH XOAUTH2'), 'auth'],

    // the recipient
    [
      'Gmail 550 5.1.1 no such user',
      smtp(550, '550-5.1.1 The email account that you tried to reach does not exist.', 'EENVELOPE', 'RCPT TO'),
      'recipient',
    ],
    [
      '553 mailbox name not allowed',
      smtp(553, '553 Requested action not taken: mailbox name not allowed'),
      'recipient',
    ],
    ['5.1.10 null MX', smtp(550, '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found'), 'recipient'],
    [
      '5.2.1 account disabled',
      smtp(550, '550 5.2.1 The email account that you tried to reach is disabled.'),
      'recipient',
    ],
    ['550 user unknown without enhanced code', smtp(550, '550 <bob@example.com>: User unknown'), 'recipient'],
    ['550 no such user', smtp(550, '550 No such user here'), 'recipient'],
    ['550 mailbox unavailable', smtp(550, '550 Requested action not taken: mailbox unavailable'), 'recipient'],
    ['551 user not local, with wording', smtp(551, '551 User unknown; please try <x@y.z>'), 'recipient'],

    // our sender address, not the recipient
    [
      '553 sender rejected at MAIL FROM',
      smtp(553, '553 5.7.1 Sender address rejected: not owned by user', null, 'MAIL FROM'),
      'message',
    ],
    ['5.1.8 bad sender domain', smtp(550, '550 5.1.8 Bad sender address domain'), 'message'],

    // the message
    ['552 message too big', smtp(552, '552 5.3.4 Message size exceeds fixed maximum message size'), 'message'],
    ['5.3.4 on another code', smtp(554, '554 5.3.4 Message too big for system'), 'message'],
    ['554 5.7.1 content rejected', smtp(554, '554 5.7.1 Message rejected because of unacceptable content'), 'message'],
    [
      '550 5.7.26 unauthenticated mail',
      smtp(550, '550-5.7.26 This mail has been blocked because the sender is unauthenticated.'),
      'message',
    ],
    ['other 5xx', smtp(500, '500 5.5.1 Command unrecognized'), 'message'],
    ['5xx with no enhanced code', smtp(554, '554 Transaction failed'), 'message'],
    ['enhanced class wins: 5.x.x on a 4xx', smtp(450, '450 5.6.0 Bad content'), 'message'],
    ['nodemailer envelope error with no answer', smtp(null, '', 'EENVELOPE', 'API'), 'message'],
    ['nodemailer message error', smtp(null, '', 'EMESSAGE', null), 'message'],

    // transient
    ['other 4xx', smtp(441, '441 4.4.1 No answer from host'), 'transient'],
    ['4xx with an enhanced 4.4.x', smtp(447, '447 4.4.7 Message delayed'), 'transient'],
    ['ECONNECTION', smtp(null, '', 'ECONNECTION', 'CONN'), 'transient'],
    ['ETIMEDOUT', smtp(null, '', 'ETIMEDOUT', 'CONN'), 'transient'],
    ['ESOCKET', smtp(null, '', 'ESOCKET', 'CONN'), 'transient'],
    ['EDNS', smtp(null, '', 'EDNS', 'CONN'), 'transient'],
    ['ECONNRESET', smtp(null, '', 'ECONNRESET', null), 'transient'],
    ['ETLS with no answer', smtp(null, '', 'ETLS', 'STARTTLS'), 'transient'],
    ['nothing at all', smtp(null, '', null, null), 'transient'],
  ])('%s', (_name, failure, want) => {
    const got = classify(failure, NOW);
    expect(got.cls).toBe(want);
    expect(got.message.length).toBeGreaterThan(10);
    expect(got.message.length).toBeLessThan(220);
    expect(got.message).not.toMatch(/\n/);
  });

  it.each([
    // The enhanced status code stays: it is what a reader (and the failure groups) go by.
    [smtp(421, '421 4.7.0 Try again later'), 'Server is throttling this account (421 4.7.0 Try again later)'],
    [
      smtp(550, '550 5.1.1 User unknown'),
      'The recipient address does not exist or cannot receive mail (550 5.1.1 User unknown)',
    ],
    [
      smtp(550, '550-5.1.1 The email account that you tried to reach does not exist.\n550 5.1.1 gsmtp'),
      'The recipient address does not exist or cannot receive mail (550 5.1.1 The email account that you tried to reach does not exist. gsmtp)',
    ],
    [smtp(554, '554 Transaction failed'), 'The server rejected this message (554 Transaction failed)'],
    [smtp(null, '', 'ETIMEDOUT', 'CONN'), 'Could not reach the mail server; it will be retried (ETIMEDOUT)'],
  ])('says what happened: %j', (failure, message) => {
    expect(classify(failure, NOW).message).toBe(message);
  });

  it('keeps the detail short', () => {
    const got = classify(smtp(554, `554 5.7.1 ${'x'.repeat(5000)}`), NOW);
    expect(got.message.length).toBeLessThan(200);
    expect(got.message).toContain('…');
  });
});

describe('classify: Gmail API', () => {
  it.each<[string, TransportFailure, FailureClass, number | null]>([
    [
      '429 mail sending limit',
      http(429, 'User-rate limit exceeded. Retry after 2026-01-05T21:00:00.000Z (Mail sending)', 'rateLimitExceeded'),
      'quota',
      Date.UTC(2026, 0, 5, 21),
    ],
    [
      '429 with a retry time hours away',
      http(429, 'User-rate limit exceeded. Retry after 2026-01-05T15:00:00.000Z', 'rateLimitExceeded'),
      'quota',
      Date.UTC(2026, 0, 5, 15),
    ],
    [
      '429 with a retry time seconds away',
      http(429, 'User-rate limit exceeded. Retry after 2026-01-05T09:00:30.000Z', 'rateLimitExceeded'),
      'throttle',
      NOW + 30_000,
    ],
    [
      '429 with a Retry-After header',
      http(429, 'Too many concurrent requests for user', 'rateLimitExceeded', '20'),
      'throttle',
      NOW + 20_000,
    ],
    ['429 plain', http(429, 'Too Many Requests'), 'throttle', null],
    ['429 daily wording', http(429, 'Daily limit for sending mail reached'), 'quota', null],
    ['429 reason dailyLimitExceeded', http(429, 'Limit exceeded', 'dailyLimitExceeded'), 'quota', null],
    ['403 dailyLimitExceeded', http(403, 'Daily Limit Exceeded', 'dailyLimitExceeded'), 'quota', null],
    ['403 quotaExceeded', http(403, 'Quota exceeded', 'quotaExceeded'), 'quota', null],
    ['403 userRateLimitExceeded', http(403, 'User Rate Limit Exceeded', 'userRateLimitExceeded'), 'throttle', null],
    ['403 rateLimitExceeded', http(403, 'Rate Limit Exceeded', 'rateLimitExceeded'), 'throttle', null],
    [
      '403 per-minute project quota',
      http(403, "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'"),
      'throttle',
      null,
    ],
    ['401 invalid credentials', http(401, 'Invalid Credentials', 'authError'), 'auth', null],
    [
      '403 insufficient scope',
      http(403, 'Request had insufficient authentication scopes.', 'insufficientPermissions'),
      'auth',
      null,
    ],
    [
      '403 domain policy',
      http(403, 'The domain administrators have disabled Gmail apps.', 'domainPolicy'),
      'auth',
      null,
    ],
    ['400 invalid To header', http(400, 'Invalid To header', 'invalidArgument'), 'recipient', null],
    ['400 invalid recipient', http(400, 'Invalid recipient address', 'invalidArgument'), 'recipient', null],
    ['400 mail service not enabled', http(400, 'Mail service not enabled', 'failedPrecondition'), 'auth', null],
    [
      '400 bad request',
      http(
        400,
        "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
        'invalidArgument',
      ),
      'message',
      null,
    ],
    ['413 too large', http(413, 'Request payload size exceeds the limit'), 'message', null],
    ['404', http(404, 'Requested entity was not found.', 'notFound'), 'message', null],
    ['408 timeout', http(408, 'Request Timeout'), 'transient', null],
    ['500 backend error', http(500, 'Backend Error', 'backendError'), 'transient', null],
    ['502', http(502, 'Bad Gateway'), 'transient', null],
    ['503 with Retry-After', http(503, 'Service Unavailable', null, '120'), 'transient', NOW + 120_000],
    ['504', http(504, 'Gateway Timeout'), 'transient', null],
  ])('%s', (_name, failure, want, retryAt) => {
    const got = classify(failure, NOW);
    expect(got.cls).toBe(want);
    expect(got.retryAt).toBe(retryAt);
    expect(got.message).toContain(String((failure as { status: number }).status));
  });
});

describe('classify: OAuth, network, configuration', () => {
  it.each<[string, TransportFailure, FailureClass]>([
    [
      'invalid_grant',
      { source: 'oauth', error: 'invalid_grant', description: 'Token has been expired or revoked.' },
      'auth',
    ],
    [
      'invalid_client',
      { source: 'oauth', error: 'invalid_client', description: 'The OAuth client was not found.' },
      'auth',
    ],
    ['unauthorized_client', { source: 'oauth', error: 'unauthorized_client', description: null }, 'auth'],
    ['server_error', { source: 'oauth', error: 'server_error', description: null }, 'transient'],
    [
      'temporarily_unavailable',
      { source: 'oauth', error: 'temporarily_unavailable', description: 'try later' },
      'transient',
    ],
    [
      'network with code',
      { source: 'network', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND gmail.googleapis.com' },
      'transient',
    ],
    ['network without code', { source: 'network', code: null, message: 'socket hang up' }, 'transient'],
    [
      'config: missing password',
      { source: 'config', message: 'No password for this account in the keychain; edit the account to enter it.' },
      'auth',
    ],
  ])('%s', (_name, failure, want) => {
    const got = classify(failure, NOW);
    expect(got.cls).toBe(want);
    expect(got.retryAt).toBeNull();
    expect(FAILURE_CLASSES).toContain(got.cls);
  });

  it('passes our own configuration message through', () => {
    const m = 'No password for this account in the keychain; edit the account to enter it.';
    expect(classify({ source: 'config', message: m }, NOW).message).toBe(m);
  });

  it('tells the user to reconnect after invalid_grant', () => {
    const got = classify(
      { source: 'oauth', error: 'invalid_grant', description: 'Token has been expired or revoked.' },
      NOW,
    );
    expect(got.message).toMatch(/reconnect/);
    expect(got.message).toContain('invalid_grant: Token has been expired or revoked.');
  });
});

describe('parseRetryAfter', () => {
  it.each<[string, string | null | undefined, number | null]>([
    ['null', null, null],
    ['undefined', undefined, null],
    ['empty', '', null],
    ['blank', '   ', null],
    ['seconds', '120', NOW + 120_000],
    ['zero seconds', '0', NOW],
    ['seconds with spaces', ' 30 ', NOW + 30_000],
    ['fractional seconds', '1.5', NOW + 1500],
    ['IMF-fixdate', 'Mon, 05 Jan 2026 09:10:00 GMT', Date.UTC(2026, 0, 5, 9, 10)],
    ['RFC 850 date', 'Monday, 05-Jan-26 09:10:00 GMT', Date.UTC(2026, 0, 5, 9, 10)],
    ['asctime date is GMT', 'Mon Jan  5 09:10:00 2026', Date.UTC(2026, 0, 5, 9, 10)],
    ['ISO instant', '2026-01-05T10:00:00.000Z', Date.UTC(2026, 0, 5, 10)],
    ['ISO instant with offset', '2026-01-05T11:00:00+01:00', Date.UTC(2026, 0, 5, 10)],
    ['Gmail text', 'User-rate limit exceeded.  Retry after 2026-01-01T10:00:00.000Z', Date.UTC(2026, 0, 1, 10)],
    [
      'Gmail text in lower case, no millis',
      'retry after 2026-01-01T10:00:00Z (Mail sending)',
      Date.UTC(2026, 0, 1, 10),
    ],
    ['a date in the past is still returned', 'Mon, 05 Jan 2026 08:00:00 GMT', Date.UTC(2026, 0, 5, 8)],
    ['a huge delay is capped at seven days', '99999999999999999999', NOW + 7 * 24 * 3_600_000],
    ['a far date is capped at seven days', 'Fri, 01 Jan 9999 00:00:00 GMT', NOW + 7 * 24 * 3_600_000],
    ['seven days exactly is kept', '604800', NOW + 604_800_000],
    ['negative seconds', '-5', null],
    ['words', 'soon', null],
    ['a number inside words is not a delay', 'Error 5', null],
    ['an impossible date', 'Mon, 45 Foo 2026 99:99:99 GMT', null],
    ['Gmail text without a time', 'Retry after a while', null],
  ])('%s', (_name, value, want) => {
    expect(parseRetryAfter(value, NOW)).toBe(want);
  });

  it('does not depend on the machine time zone for asctime', () => {
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it('is a quota cooldown hint the classifier carries for SMTP too', () => {
    const got = classify(smtp(550, '550 5.4.5 Daily sending quota exceeded. Retry after 2026-01-06T09:00:00Z'), NOW);
    expect(got).toMatchObject({ cls: 'quota', retryAt: Date.UTC(2026, 0, 6, 9) });
  });

  it('reports a 429 wait an hour or more away as quota, under an hour as throttle', () => {
    const at = (ms: number) => new Date(NOW + ms).toISOString();
    expect(classify(http(429, `User-rate limit exceeded. Retry after ${at(H)}`), NOW).cls).toBe('quota');
    expect(classify(http(429, `User-rate limit exceeded. Retry after ${at(H - 1000)}`), NOW).cls).toBe('throttle');
  });
});
