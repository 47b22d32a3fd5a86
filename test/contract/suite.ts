// The shared contract suite: every case of cases.ts over whichever transport `call` speaks.
import { expect, it } from 'vitest';
import { requests } from '../../shared/contract';
import { type Call, type CaseState, malformedCases, REQUEST_NAMES, SHAPES, VALID_CASES } from './cases';

function prototypeIsClean() {
  const probe = {} as Record<string, unknown>;
  return probe.polluted === undefined && (Object.prototype as Record<string, unknown>).polluted === undefined;
}

/** `unknownNames`: the transport takes any name (WebSocket); IPC only has channels for real ones. */
export function contractSuite(call: () => Call, opts: { unknownNames: boolean }) {
  it('has a valid case and a well-formed shape for every request name', () => {
    const covered = new Set(VALID_CASES.map((c) => c.name));
    const missing = REQUEST_NAMES.filter((n) => !covered.has(n) || !Object.hasOwn(SHAPES, n));
    expect(missing).toEqual([]);
    // The malformed inputs bend these shapes, so the shapes themselves must pass the schema.
    for (const n of REQUEST_NAMES) expect(requests[n].input.safeParse(SHAPES[n]).success, n).toBe(true);
  });

  it('answers every valid case as the contract says', async () => {
    const state: CaseState = {};
    for (const c of VALID_CASES) {
      const r = await call()(c.name, c.input(state));
      const got = r.ok ? 'ok' : r.error.code;
      expect(got, `${c.name} (${c.title}): ${r.ok ? '' : r.error.message}`).toBe(c.expect);
      if (r.ok) c.check?.(r.value, state);
      else expect(r.error.message.length, `${c.name} explains itself`).toBeGreaterThan(10);
    }
  });

  it('refuses every malformed input as invalid_input without polluting Object.prototype', async () => {
    const wrong: string[] = [];
    for (const name of REQUEST_NAMES) {
      for (const m of malformedCases(name)) {
        const r = await call()(name, m.input);
        if (r.ok || r.error.code !== 'invalid_input') {
          wrong.push(`${name} with ${m.title}: ${r.ok ? 'ok' : r.error.code}`);
        }
        if (!prototypeIsClean()) wrong.push(`${name} with ${m.title}: Object.prototype polluted`);
      }
    }
    expect(wrong).toEqual([]);
  });

  // IPC has no channel for an unknown name at all (checked in ipc.test.ts); defined only where it applies.
  if (opts.unknownNames)
    it('refuses unknown request names', async () => {
      for (const name of ['nope', '__proto__', 'constructor', 'toString', 'app.info.x']) {
        const r = await call()(name, {});
        expect(r.ok ? 'ok' : r.error.code, name).toBe('invalid_input');
      }
    });

  it('still answers after all of that', async () => {
    const r = await call()('app.info', {});
    expect(r.ok).toBe(true);
  });
}
