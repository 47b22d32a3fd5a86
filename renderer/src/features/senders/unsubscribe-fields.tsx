export function UnsubscribeFields({
  mailto,
  onMailto,
  urlTemplate,
  onUrlTemplate,
}: {
  mailto: string;
  onMailto: (v: string) => void;
  urlTemplate: string;
  onUrlTemplate: (v: string) => void;
}) {
  const url = urlTemplate.trim();
  const badUrl = url !== '' && !/^https:\/\//i.test(url);
  return (
    <fieldset className="stack">
      <legend>Unsubscribe</legend>
      <label>
        Unsubscribe address (mailto)
        <input
          type="email"
          value={mailto}
          onChange={(e) => onMailto(e.target.value)}
          placeholder="The sending account's address"
        />
      </label>
      <label>
        One-click unsubscribe URL (optional)
        <input
          value={urlTemplate}
          onChange={(e) => onUrlTemplate(e.target.value)}
          placeholder="https://example.com/unsubscribe?email={{email}}"
          maxLength={2000}
        />
      </label>
      {badUrl && <p className="error-note">The one-click URL must start with https://.</p>}
      <p className="muted">
        Every message carries a List-Unsubscribe header with the address
        {url
          ? ' and this URL, plus List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), so mail apps can unsubscribe in one click.'
          : '. Add an https URL to offer one-click unsubscribe (RFC 8058).'}
      </p>
    </fieldset>
  );
}
