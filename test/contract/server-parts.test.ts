// The headless server's pure parts, table by table.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, parseServeArgs } from '../../main/server/args';
import { contentSecurityPolicy, resolveStaticPath } from '../../main/server/http-server';
import { parseFrame } from '../../main/server/ws-binding';

describe('parseServeArgs', () => {
  const env = { CT_DATA_DIR: '/data/ct' };
  it.each([
    [[], { port: 0, dataDir: '/data/ct' }],
    [['--port', '8080'], { port: 8080, dataDir: '/data/ct' }],
    [['--port=0', '--data-dir=/x/y'], { port: 0, dataDir: '/x/y' }],
    [['--data-dir', 'rel'], { port: 0, dataDir: path.resolve('rel') }],
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
