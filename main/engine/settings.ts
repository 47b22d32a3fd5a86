// The app's own preferences (not secrets): stored as one JSON value in the settings table, read
// through a schema so a value written by another version falls back to the defaults field by field.
import { z } from 'zod';
import { type AppSettings, type FeedbackSettings, feedbackSettings } from '../../shared/contract';
import type { Limits, RetryPolicy } from '../../shared/domain';
import { DEFAULT_FEEDBACK_SETTINGS } from './feedback/reaction';
import type { Store } from './store';
import { defaultLimits } from './transports/presets';

const KEY = 'app.settings';

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 3_600_000 };

export type StoredSettings = Omit<AppSettings, 'dataDir'>;

export function defaultSettings(): StoredSettings {
  return {
    notifications: true,
    startAtLogin: false,
    defaultLimits: defaultLimits('smtp', { preset: 'custom' }),
    defaultRetry: { ...DEFAULT_RETRY },
    feedback: { ...DEFAULT_FEEDBACK_SETTINGS },
    firstRunDismissed: false,
  };
}

const int = z.number().int().min(0);
const stored = z.object({
  notifications: z.boolean().catch(true),
  startAtLogin: z.boolean().catch(false),
  defaultLimits: z
    .object({
      perMinute: int,
      perHour: int,
      perDay: int,
      reserve: int,
      minGapMs: int,
      maxGapMs: int,
      maxConcurrent: int,
    })
    .nullable()
    .catch(null),
  defaultRetry: z.object({ maxAttempts: int, baseDelayMs: int, maxDelayMs: int }).nullable().catch(null),
  // Out of today's bounds (an older or newer version wrote it): the defaults, not a broken breaker.
  feedback: feedbackSettings.nullable().catch(null),
  firstRunDismissed: z.boolean().catch(false),
});

export function readSettings(store: Store): StoredSettings {
  const defaults = defaultSettings();
  const raw = store.settings.get(KEY);
  if (raw === null) return defaults;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return defaults;
  }
  const r = stored.safeParse({ ...defaults, ...(typeof parsed === 'object' && parsed ? parsed : {}) });
  if (!r.success) return defaults;
  return {
    notifications: r.data.notifications,
    startAtLogin: r.data.startAtLogin,
    defaultLimits: (r.data.defaultLimits as Limits | null) ?? defaults.defaultLimits,
    defaultRetry: (r.data.defaultRetry as RetryPolicy | null) ?? defaults.defaultRetry,
    feedback: (r.data.feedback as FeedbackSettings | null) ?? defaults.feedback,
    firstRunDismissed: r.data.firstRunDismissed,
  };
}

export function writeSettings(store: Store, next: StoredSettings): void {
  store.settings.set(KEY, JSON.stringify(next));
}
