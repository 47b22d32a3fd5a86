// The renderer's Client over a real engine in this process: the same requests and events the
// transports carry, without a socket, for component tests of the renderer's data layer.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client, ConnectionState } from '../../renderer/src/client/client';
import type { EventName, EventPayloads } from '../../shared/contract';
import type { Harness } from './engine-harness';

export function engineClient(h: Pick<Harness, 'dispatch' | 'engine' | 'dataDir'>): Client & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    call(name, input) {
      calls.push(name);
      return h.dispatch(name, input) as never;
    },
    on<E extends EventName>(event: E, cb: (p: EventPayloads[E]) => void) {
      return h.engine.hub.subscribe((e: EventName, payload: unknown) => {
        if (e === event) cb(payload as EventPayloads[E]);
      });
    },
    // As the headless server does with a POST: the body lands in the data folder, registered by id.
    async upload(file: File) {
      const dir = path.join(h.dataDir, 'tmp');
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const target = path.join(dir, `${randomBytes(12).toString('hex')}.upload`);
      const body = Buffer.from(await file.arrayBuffer());
      fs.writeFileSync(target, body, { mode: 0o600 });
      return {
        ok: true as const,
        value: h.engine.files.register({ path: target, name: file.name, owned: true, size: body.length }),
      };
    },
    onConnection(cb: (s: ConnectionState) => void) {
      cb('open');
      return () => {};
    },
  };
}
