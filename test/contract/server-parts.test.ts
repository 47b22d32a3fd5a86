// The headless server's pure parts, table by table.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, parseServeArgs } from '../../main/server/args';
import { clientKey } from '../../main/server/client-address';
import { contentSecurityPolicy, resolveStaticPath } from '../../main/server/http-server';
import { TokenBuckets } from '../../main/server/token-bucket';
import { isOneClickBody, tokenOfPath } from '../../main/server/unsubscribe-listener';
import { parseFrame } from '../../main/server/ws-binding';

describe('parseServeArgs', () => {
  const env = { CT_DATA_DIR: '/data/ct' };
  it.each([
    [[], { port: 0, dataDir: '/data/ct', oneClick: null }],
    [['--port', '8080'], { port: 8080, dataDir: '/data/ct', oneClick: null }],
    [['--port=0', '--data-dir=/x/y'], { port: 0, dataDir: '/x/y', oneClick: null }],
    [['--data-dir', 'rel'], { port: 0, dataDir: path.resolve('rel'), oneClick: null }],
    [
      ['--unsubscribe-url', 'https://Mail.Example.com/ct/', '--unsubscribe-listen', '8090'],
      {
        port: 0,
        dataDir: '/data/ct',
        oneClick: { baseUrl: 'https://mail.example.com/ct', host: '127.0.0.1', port: 8090, trustProxy: false },
      },
    ],
    [
      ['--unsubscribe-url=https://u.example.org:8443', '--unsubscribe-listen=[::1]:0'],
      {
        port: 0,
        dataDir: '/data/ct',
        oneClick: { baseUrl: 'https://u.example.org:8443', host: '::1', port: 0, trustProxy: false },
      },
    ],
    [
      ['--unsubscribe-listen', '0.0.0.0:8090', '--unsubscribe-url', 'https://u.example.org'],
      {
        port: 0,
        dataDir: '/data/ct',
        oneClick: { baseUrl: 'https://u.example.org', host: '0.0.0.0', port: 8090, trustProxy: false },
      },
    ],
    [
      ['--unsubscribe-url', 'https://u.example.org', '--unsubscribe-listen', '8090', '--unsubscribe-trust-proxy'],
      {
        port: 0,
        dataDir: '/data/ct',
        oneClick: { baseUrl: 'https://u.example.org', host: '127.0.0.1', port: 8090, trustProxy: true },
      },
    ],
  ])('%j', (argv, expected) => {
    expect(parseServeArgs(argv, env)).toEqual(expected);
  });

  it.each([
    [['--port'], /--port needs a value/],
    [['--port', 'abc'], /--port must be a number/],
    [['--port', '70000'], /--port must be a number/],
    [['--port', '-1'], /--port must be a number/],
    [['--data-dir', ''], /--data-dir needs a value/],
    [['--verbose'], /Unknown option "--verbose"/],
    [['serve'], /Unknown option "serve"/],
    [['--unsubscribe-url', 'http://u.example.org', '--unsubscribe-listen', '8090'], /must start with https/],
    [['--unsubscribe-url', 'https://u.example.org/?x=1', '--unsubscribe-listen', '8090'], /no login, query/],
    [['--unsubscribe-url', 'https://me:pw@u.example.org', '--unsubscribe-listen', '8090'], /no login, query/],
    [['--unsubscribe-url', 'u.example.org', '--unsubscribe-listen', '8090'], /is not a URL/],
    [['--unsubscribe-url', 'https://u.example.org'], /needs both --unsubscribe-url/],
    [['--unsubscribe-listen', '8090'], /needs both --unsubscribe-url/],
    [['--unsubscribe-url', 'https://u.example.org', '--unsubscribe-listen', '70000'], /must be a port or HOST:PORT/],
    [['--unsubscribe-url', 'https://u.example.org', '--unsubscribe-listen', 'a:b:1'], /must be a port or HOST:PORT/],
    [['--unsubscribe-url', 'https://u.example.org', '--unsubscribe-listen', '[zz]:1'], /must be a port or HOST:PORT/],
    [['--unsubscribe-trust-proxy'], /belongs to the one-click unsubscribe endpoint/],
    [
      ['--unsubscribe-url', 'https://u.example.org', '--unsubscribe-listen', '1', '--unsubscribe-trust-proxy=yes'],
      /takes no value/,
    ],
  ])('refuses %j', (argv, message) => {
    expect(() => parseServeArgs(argv, env)).toThrow(message);
  });
});

describe('defaultDataDir', () => {
  it.each([
    [{ CT_DATA_DIR: '/override' }, 'linux', '/override'],
    [{ XDG_DATA_HOME: '/xdg' }, 'linux', '/xdg/campaign-tray'],
    [{}, 'linux', '/home/u/.local/share/campaign-tray'],
    [{}, 'darwin', '/home/u/Library/Application Support/Campaign Tray'],
    [{ APPDATA: '/appdata' }, 'win32', path.join('/appdata', 'Campaign Tray')],
  ] as const)('%j on %s', (env, platform, expected) => {
    expect(defaultDataDir(env, platform, '/home/u')).toBe(expected);
  });
});

describe('resolveStaticPath', () => {
  const root = '/srv/renderer';
  it.each([
    ['/', '/srv/renderer/index.html'],
    ['/index.html', '/srv/renderer/index.html'],
    ['/assets/app-1.js', '/srv/renderer/assets/app-1.js'],
    ['//assets//app.js', '/srv/renderer/assets/app.js'],
    ['/assets/a%20b.css', '/srv/renderer/assets/a b.css'],
    ['/../etc/passwd', null],
    ['/assets/../../etc/passwd', null],
    ['/%2e%2e/etc/passwd', null],
    ['/assets/..%2f..%2fetc', null],
    ['/a%5c..%5cb', null],
    ['/%00', null],
    ['/%E0%A4%A', null],
  ])('%s', (urlPath, expected) => {
    expect(resolveStaticPath(root, urlPath)).toBe(expected);
  });
});

describe('parseFrame', () => {
  it.each([
    ['{"id":1,"method":"app.info","input":{}}', { id: 1, method: 'app.info', input: {} }],
    ['{"id":"a","method":"app.info"}', { id: 'a', method: 'app.info', input: undefined }],
    ['{"id":2,"method":7}', { id: 2, error: 'A request needs a method name.' }],
    ['{"id":3}', { id: 3, error: 'A request needs a method name.' }],
    ['not json', null],
    ['[1,2]', null],
    ['null', null],
    ['"text"', null],
    ['{"method":"app.info"}', null],
    ['{"id":1.5,"method":"app.info"}', null],
    ['{"id":"","method":"app.info"}', null],
    [`{"id":"${'x'.repeat(101)}","method":"app.info"}`, null],
    ['{"id":{"a":1},"method":"app.info"}', null],
  ])('%s', (text, expected) => {
    expect(parseFrame(text)).toEqual(expected);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows scripts and sockets from this server only', () => {
    const csp = contentSecurityPolicy(4321);
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4321', 'ws://localhost:4321']);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|\*/);
  });
});

describe('one-click listener parts', () => {
  it.each([
    ['/u/2n9-0123456789abcdef0123', '/ct', '2n9-0123456789abcdef0123'],
    ['/ct/u/2n9-0123456789abcdef0123', '/ct', '2n9-0123456789abcdef0123'],
    ['/u/2n9-0123456789abcdef0123', '', '2n9-0123456789abcdef0123'],
    ['/ct/u/2n9-0123456789abcdef0123', '', null],
    ['/other/u/abc', '/ct', null],
    ['/u/', '', null],
    ['/u/a/b', '', null],
    ['/u/%2e%2e', '', null],
    ['/u/../x', '', null],
    [`/u/${'a'.repeat(65)}`, '', null],
  ])('tokenOfPath(%s, %j)', (path, base, expected) => {
    expect(tokenOfPath(path, base)).toBe(expected);
  });

  const multipart = (name: string, value: string, boundary = 'b0') =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n--${boundary}--\r\n`;
  it.each([
    ['application/x-www-form-urlencoded', 'List-Unsubscribe=One-Click', true],
    ['application/x-www-form-urlencoded; charset=utf-8', 'List-Unsubscribe=One-Click', true],
    ['application/x-www-form-urlencoded', 'List-Unsubscribe=Other', false],
    ['application/x-www-form-urlencoded', 'list-unsubscribe=One-Click', false],
    ['text/plain', 'List-Unsubscribe=One-Click', false],
    ['', 'List-Unsubscribe=One-Click', false],
    ['multipart/form-data; boundary=b0', multipart('List-Unsubscribe', 'One-Click'), true],
    ['multipart/form-data; boundary="b 1"', multipart('List-Unsubscribe', 'One-Click', 'b 1'), true],
    ['multipart/form-data; boundary=b0', multipart('List-Unsubscribe', 'Nope'), false],
    ['multipart/form-data; boundary=b0', multipart('Other', 'One-Click'), false],
    ['multipart/form-data', multipart('List-Unsubscribe', 'One-Click'), false],
  ])('isOneClickBody(%s, %j) is %s', (type, body, expected) => {
    expect(isOneClickBody(type, body)).toBe(expected);
  });

  it('token buckets: a burst, then one per interval, per client; idle clients are forgotten first', () => {
    const b = new TokenBuckets({ burst: 2, perSecond: 1, maxClients: 2 });
    expect(b.take('a', 0)).toEqual({ ok: true });
    expect(b.take('a', 0)).toEqual({ ok: true });
    expect(b.take('a', 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(b.take('a', 500)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(b.take('a', 1_000)).toEqual({ ok: true });
    expect(b.take('b', 1_000)).toEqual({ ok: true });
    // A third client pushes out the one idle longest (a); b keeps its spent token.
    expect(b.take('c', 1_000)).toEqual({ ok: true });
    expect(b.size).toBe(2);
    expect(b.take('a', 1_000)).toEqual({ ok: true });
    const slow = new TokenBuckets({ burst: 1, perSecond: 0.1, maxClients: 10 });
    slow.take('x', 0);
    expect(slow.take('x', 0)).toEqual({ ok: false, retryAfterSeconds: 10 });
  });
});

describe('clientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:127.0.0.1', '127.0.0.1'],
    // IPv6 by its /64: one line or host holds the whole prefix.
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['', ''],
  ])('%s → %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});
