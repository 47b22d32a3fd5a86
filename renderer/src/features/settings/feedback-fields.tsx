// When feedback suppresses an address and when the breaker pauses a campaign. The bounds are the
// contract's (FEEDBACK_BOUNDS); the server's sentence says which one a value is outside of.
import { FEEDBACK_BOUNDS, type FeedbackSettings } from '../../../../shared/contract';

const FIELDS: { key: keyof FeedbackSettings; label: string }[] = [
  { key: 'softBounceLimit', label: 'Suppress an address after this many soft bounces' },
  { key: 'bounceRatePercent', label: 'Pause a campaign when hard bounces pass (% of sent)' },
  { key: 'complaintRatePercent', label: '…or spam complaints pass (% of sent)' },
  { key: 'minSent', label: 'Judge the rates from this many sent messages on' },
];

export function FeedbackFields({
  value,
  onChange,
}: {
  value: FeedbackSettings;
  onChange: (v: FeedbackSettings) => void;
}) {
  return (
    <fieldset className="row">
      <legend>Bounces and complaints read from the sending mailboxes</legend>
      {FIELDS.map(({ key, label }) => (
        <label key={key}>
          {label}
          <input
            type="number"
            {...FEEDBACK_BOUNDS[key]}
            value={value[key]}
            onChange={(e) => onChange({ ...value, [key]: Number(e.target.value) })}
          />
        </label>
      ))}
    </fieldset>
  );
}
