// The feedback thresholds in Settings: defaults equal to the policy's, a partial change keeps the
// rest, values out of bounds are refused with a sentence, and a stored value out of today's bounds
// reads back as the default rather than a breaker that can never (or always) trip.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FEEDBACK_POLICY, feedbackPolicyOf } from '../../main/engine/feedback/reaction';
import { type Harness, startEngine } from '../helpers/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

describe('feedback settings', () => {
  it('start at the policy defaults, change field by field, and refuse what is out of bounds', async () => {
    h = await startEngine();
    const defaults = (await h.call('settings.get', {})).feedback;
    expect(defaults).toEqual({ softBounceLimit: 3, bounceRatePercent: 5, complaintRatePercent: 0.3, minSent: 50 });
    expect(feedbackPolicyOf(defaults)).toEqual(DEFAULT_FEEDBACK_POLICY);
    expect(DEFAULT_FEEDBACK_POLICY).toEqual({
      softBounceLimit: 3,
      bounceRate: 0.05,
      complaintRate: 0.003,
      minSent: 50,
    });

    const changed = await h.call('settings.update', { feedback: { softBounceLimit: 2, bounceRatePercent: 8 } });
    expect(changed.feedback).toEqual({
      softBounceLimit: 2,
      bounceRatePercent: 8,
      complaintRatePercent: 0.3,
      minSent: 50,
    });
    expect((await h.call('settings.get', {})).feedback).toEqual(changed.feedback);

    for (const [patch, message] of [
      [{ softBounceLimit: 0 }, /1 to 10 soft bounces/],
      [{ softBounceLimit: 2.5 }, /softBounceLimit/],
      [{ bounceRatePercent: 0 }, /0\.5% to 25%/],
      [{ bounceRatePercent: 90 }, /0\.5% to 25%/],
      [{ complaintRatePercent: 10 }, /0\.05% to 5%/],
      [{ minSent: 1 }, /10 to 10,000 sent/],
    ] as const) {
      await expect(h.call('settings.update', { feedback: patch })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(message),
      });
    }
    expect((await h.call('settings.get', {})).feedback).toEqual(changed.feedback);
  });

  it('reads a stored value outside the bounds as the default', async () => {
    h = await startEngine();
    await h.call('settings.update', { notifications: false });
    const row = h.sql().prepare("SELECT value FROM settings WHERE key = 'app.settings'").get() as { value: string };
    const stored = { ...JSON.parse(row.value), feedback: { softBounceLimit: 0, bounceRatePercent: 500 } };
    h.sql().prepare("UPDATE settings SET value = ? WHERE key = 'app.settings'").run(JSON.stringify(stored));
    const read = await h.call('settings.get', {});
    expect(read.feedback).toEqual({ softBounceLimit: 3, bounceRatePercent: 5, complaintRatePercent: 0.3, minSent: 50 });
    expect(read.notifications).toBe(false);
  });
});
