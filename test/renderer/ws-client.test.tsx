// The page never sends a request frame the headless server would close the socket on: the
// request is refused with a sentence instead, and every other request in flight keeps its socket.
import { describe, expect, it } from 'vitest';
import { oversizeFrame } from '../../renderer/src/client/ws-client';
import { MAX_FRAME_BYTES } from '../../shared/bridge';

const frame = (input: unknown) => JSON.stringify({ id: 1, method: 'suppressions.add', input });

describe('oversizeFrame', () => {
  it.each([
    ['a small request', frame({ addresses: ['a@x.org'] }), false],
    ['exactly at the cap', 'x'.repeat(MAX_FRAME_BYTES), false],
    ['one byte over the cap', 'x'.repeat(MAX_FRAME_BYTES + 1), true],
    // Under the cap in UTF-16 units, over it in the UTF-8 bytes the socket carries.
    ['multi-byte text over the cap', 'ü'.repeat(MAX_FRAME_BYTES / 2 + 1), true],
    ['multi-byte text under the cap', 'ü'.repeat(MAX_FRAME_BYTES / 2), false],
  ])('%s', (_name, text, refused) => {
    const r = oversizeFrame(text);
    if (!refused) return expect(r).toBeNull();
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(r && !r.ok && r.error.message).toMatch(/too large to send \(\d+\.\d MB; at most 1\.0 MB at once\)/);
  });
});
