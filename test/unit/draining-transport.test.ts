import { describe, expect, it } from 'vitest';
import { DrainingTransport } from '../../main/engine/transports/registry';
import type { OutgoingMessage, Transport } from '../../main/engine/transports/transport';

/** A transport whose sends finish when told, and which aborts open sends if closed early. */
function gated() {
  const open = new Set<(ok: boolean) => void>();
  const log: string[] = [];
  const inner: Transport = {
    send: () =>
      new Promise((resolve, reject) => {
        const done = (ok: boolean) => {
          open.delete(done);
          if (ok) resolve({ response: '250 OK' });
          else reject(new Error('aborted by close'));
        };
        open.add(done);
      }),
    verify: async () => {},
    close: async () => {
      log.push('closed');
      for (const d of [...open]) d(false);
    },
  };
  return {
    inner,
    log,
    finishAll: () => {
      for (const d of [...open]) d(true);
    },
    openCount: () => open.size,
  };
}

const message = {
  raw: Buffer.from('x'),
  envelope: { from: 'a@x', to: ['b@x'] },
  messageId: '<1@x>',
  meta: { campaignId: null, recipientId: null, subject: 's' },
} satisfies OutgoingMessage;

describe('DrainingTransport', () => {
  it('closes only after the sends on the wire have finished', async () => {
    const g = gated();
    const t = new DrainingTransport(g.inner);
    const sends = [t.send(message), t.send(message)];
    const closed = t.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(g.log).toEqual([]); // not closed under the two sends
    g.finishAll();
    await expect(Promise.all(sends)).resolves.toHaveLength(2);
    await closed;
    expect(g.log).toEqual(['closed']);
  });

  it('closes at once when idle, and only once', async () => {
    const g = gated();
    const t = new DrainingTransport(g.inner);
    await Promise.all([t.close(), t.close()]);
    expect(g.log).toEqual(['closed']);
  });

  it('without it, an early close would abort a send (the case it exists for)', async () => {
    const g = gated();
    const send = g.inner.send(message);
    await g.inner.close();
    await expect(send).rejects.toThrow(/aborted/);
  });
});
