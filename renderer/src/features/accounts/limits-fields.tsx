// The caps and pacing of one account, as a controlled group of number fields. Gaps are shown in
// seconds (what people think in) and kept in milliseconds (what the engine stores).
import type { Limits } from '../../../../shared/domain';

const FIELDS: { key: keyof Limits; label: string; min: number; max: number; seconds?: boolean; hint?: string }[] = [
  { key: 'perMinute', label: 'Per minute', min: 1, max: 10_000 },
  { key: 'perHour', label: 'Per hour', min: 1, max: 100_000 },
  { key: 'perDay', label: 'Per 24 hours', min: 1, max: 1_000_000 },
  { key: 'reserve', label: 'Keep free a day', min: 0, max: 1_000_000, hint: 'left for your own mail' },
  { key: 'minGapMs', label: 'Min gap (s)', min: 0, max: 3600, seconds: true },
  { key: 'maxGapMs', label: 'Max gap (s)', min: 0, max: 3600, seconds: true },
  { key: 'maxConcurrent', label: 'Connections', min: 1, max: 50 },
];

export function LimitsFields({
  value,
  onChange,
  legend,
}: {
  value: Limits;
  onChange: (l: Limits) => void;
  legend: string;
}) {
  return (
    <fieldset className="limits">
      <legend>{legend}</legend>
      <div className="limits-grid">
        {FIELDS.map((f) => {
          const shown = f.seconds ? value[f.key] / 1000 : value[f.key];
          return (
            <label key={f.key}>
              {f.label}
              <input
                type="number"
                min={f.min}
                max={f.max}
                step={f.seconds ? 0.1 : 1}
                value={shown}
                required
                onChange={(e) => {
                  const n = Number(e.target.value);
                  onChange({ ...value, [f.key]: f.seconds ? Math.round(n * 1000) : Math.round(n) });
                }}
              />
              {f.hint && <span className="muted small-text">{f.hint}</span>}
            </label>
          );
        })}
      </div>
      {value.minGapMs > value.maxGapMs && (
        <p className="error-note">The min gap must not be longer than the max gap.</p>
      )}
    </fieldset>
  );
}
