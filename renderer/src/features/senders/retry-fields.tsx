import type { RetryPolicy } from '../../../../shared/domain';

export function RetryFields({ value, onChange }: { value: RetryPolicy; onChange: (r: RetryPolicy) => void }) {
  return (
    <fieldset className="row">
      <legend>Retries after a temporary failure</legend>
      <label>
        Attempts in all
        <input
          type="number"
          min={1}
          max={20}
          value={value.maxAttempts}
          onChange={(e) => onChange({ ...value, maxAttempts: Math.round(Number(e.target.value)) })}
        />
      </label>
      <label>
        First wait (minutes)
        <input
          type="number"
          min={1}
          max={1440}
          value={Math.round(value.baseDelayMs / 60_000)}
          onChange={(e) => onChange({ ...value, baseDelayMs: Math.max(1, Number(e.target.value)) * 60_000 })}
        />
      </label>
      <label>
        Longest wait (hours)
        <input
          type="number"
          min={1}
          max={168}
          step={0.5}
          value={value.maxDelayMs / 3_600_000}
          onChange={(e) => onChange({ ...value, maxDelayMs: Math.round(Number(e.target.value) * 3_600_000) })}
        />
      </label>
    </fieldset>
  );
}
