// When feedback suppresses an address and when the breaker pauses a campaign. The bounds are the
// contract's; the server's sentence says which one a value is outside of.
import type { ChangeEvent } from 'react';
import type { FeedbackSettings } from '../../../../shared/contract';

export function FeedbackFields({
  value,
  onChange,
}: {
  value: FeedbackSettings;
  onChange: (v: FeedbackSettings) => void;
}) {
  const num = (key: keyof FeedbackSettings) => (e: ChangeEvent<HTMLInputElement>) =>
    onChange({ ...value, [key]: Number(e.target.value) });
  return (
    <fieldset className="row">
      <legend>Bounces and complaints read from the sending mailboxes</legend>
      <label>
        Suppress an address after this many soft bounces
        <input
          type="number"
          min={1}
          max={10}
          step={1}
          value={value.softBounceLimit}
          onChange={num('softBounceLimit')}
        />
      </label>
      <label>
        Pause a campaign when hard bounces pass (% of sent)
        <input
          type="number"
          min={0.5}
          max={25}
          step={0.5}
          value={value.bounceRatePercent}
          onChange={num('bounceRatePercent')}
        />
      </label>
      <label>
        …or spam complaints pass (% of sent)
        <input
          type="number"
          min={0.05}
          max={5}
          step={0.05}
          value={value.complaintRatePercent}
          onChange={num('complaintRatePercent')}
        />
      </label>
      <label>
        Judge the rates from this many sent messages on
        <input type="number" min={10} max={10_000} step={10} value={value.minSent} onChange={num('minSent')} />
      </label>
    </fieldset>
  );
}
