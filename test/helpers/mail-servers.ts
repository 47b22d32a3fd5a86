// A private Postfix and Dovecot pair on loopback, on random ports, with every file in one temp
// folder: nothing of the machine's own mail system is used or touched, so several suites can run
// at once. Postfix accepts mail for test.local and delivers the known mailboxes into maildirs;
// mail for unknown users is accepted and then bounced by Postfix's virtual(8) agent, so the
// sender gets a real RFC 3464 report. Dovecot serves the same maildirs over IMAP.
//
// Postfix's master must start as root (it drops to the postfix user for its daemons); the suites
// run as root in CI and on the development machines. Elsewhere they are skipped.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const MAIL_DOMAIN = 'test.local';
/** The maildirs belong to this uid/gid: Postfix delivers and Dovecot reads as it. */
const MAIL_UID = 65534;

export function mailServersAvailable(): { ok: boolean; why: string } {
  const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (process.getuid?.() !== 0) return { ok: false, why: 'the Postfix/Dovecot suite runs as root' };
  if (!has('postfix') || !has('dovecot')) return { ok: false, why: 'apt-get install postfix dovecot-imapd' };
  return { ok: true, why: '' };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port (the daemon is up). */
async function waitForPort(port: number, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`${what} did not start listening on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function run(cmd: string, args: string[]): void {
  // `script` gives Postfix a terminal: without one its command-line tools report errors to syslog only.
  const r = spawnSync('script', ['-qec', [cmd, ...args].join(' '), '/dev/null'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
}

export interface MailServers {
  smtpPort: number;
  imapPort: number;
  /** user@test.local → password, for the mailboxes that exist. */
  users: Record<string, string>;
  dir: string;
  /** Files in a user's maildir (new and cur). */
  maildirCount(user: string): number;
  postfixLog(): string;
  stop(): Promise<void>;
}

const MASTER_CF = (smtpPort: number) =>
  [
    `127.0.0.1:${smtpPort} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'local unix - n n - - local',
    'virtual unix - n n - - virtual',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');

/** `mainCf`: lines appended to Postfix's main.cf (a rate limit, say). */
export async function startMailServers(
  users: Record<string, string>,
  opts: { mainCf?: string } = {},
): Promise<MailServers> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-mail-'));
  // The daemons run as other users and must be able to walk into the folder.
  fs.chmodSync(dir, 0o755);
  const [smtpPort, imapPort] = [await freePort(), await freePort()];
  const pf = path.join(dir, 'postfix');
  const mail = path.join(dir, 'mail');
  const dc = path.join(dir, 'dovecot');
  for (const d of [pf, path.join(dir, 'queue'), path.join(dir, 'data'), mail, dc, path.join(dc, 'run')]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const postfixUid = Number(spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim());
  fs.chownSync(path.join(dir, 'data'), postfixUid, 0);
  const local = (u: string) => u.split('@')[0]!;
  for (const u of Object.keys(users)) {
    for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(mail, local(u), sub), { recursive: true });
  }
  spawnSync('chown', ['-R', `${MAIL_UID}:${MAIL_UID}`, mail]);

  fs.writeFileSync(
    path.join(pf, 'main.cf'),
    `compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.${MAIL_DOMAIN}
mydomain = ${MAIL_DOMAIN}
myorigin = ${MAIL_DOMAIN}
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
smtp_dns_support_level = disabled
virtual_mailbox_domains = ${MAIL_DOMAIN}
virtual_mailbox_base = ${mail}
virtual_mailbox_maps = texthash:${pf}/vmailbox
virtual_uid_maps = static:${MAIL_UID}
virtual_gid_maps = static:${MAIL_UID}
# Accept unknown users and bounce them afterwards: that is what produces a DSN in the sender's inbox.
smtpd_reject_unlisted_recipient = no
alias_maps =
alias_database =
maillog_file = ${dir}/postfix.log
maillog_file_prefixes = ${dir}
biff = no
smtputf8_enable = no
${opts.mainCf ?? ''}
`,
  );
  fs.writeFileSync(
    path.join(pf, 'vmailbox'),
    Object.keys(users)
      .map((u) => `${u} ${local(u)}/`)
      .join('\n'),
  );
  fs.writeFileSync(path.join(pf, 'master.cf'), MASTER_CF(smtpPort));
  fs.writeFileSync(
    path.join(dc, 'dovecot.conf'),
    `base_dir = ${dc}/run
state_dir = ${dc}/state
log_path = ${dc}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${mail}/%n
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dc}/users
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${mail}/%n
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  fs.writeFileSync(
    path.join(dc, 'users'),
    Object.entries(users)
      .map(([u, p]) => `${u}:{PLAIN}${p}`)
      .join('\n'),
  );
  fs.mkdirSync(path.join(dc, 'state'), { recursive: true });

  let postfixUp = false;
  let dovecotUp = false;
  const stop = async () => {
    if (postfixUp) spawnSync('script', ['-qec', `postfix -c ${pf} stop`, '/dev/null']);
    if (dovecotUp) {
      const pid = Number(fs.readFileSync(path.join(dc, 'run', 'master.pid'), 'utf8').trim());
      try {
        process.kill(pid, 'SIGTERM');
      } catch {}
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 50));
        } catch {
          break;
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('postfix', ['-c', pf, 'start']);
    postfixUp = true;
    await waitForPort(smtpPort, 'Postfix');
    // The daemon keeps whatever stdio it is given: pipes would hold spawnSync open forever.
    const r = spawnSync('dovecot', ['-c', path.join(dc, 'dovecot.conf')], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`dovecot failed to start (exit ${r.status}); see ${dc}/dovecot.log`);
    dovecotUp = true;
    await waitForPort(imapPort, 'Dovecot');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    smtpPort,
    imapPort,
    users,
    dir,
    maildirCount: (user) =>
      ['new', 'cur'].reduce((n, sub) => n + fs.readdirSync(path.join(mail, local(user), sub)).length, 0),
    postfixLog: () => fs.readFileSync(path.join(dir, 'postfix.log'), 'utf8'),
    stop,
  };
}
