import { type FormEvent, useEffect, useState } from 'react';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';
import { GmailConnect } from './gmail-connect';

export function GmailPanel() {
  const client = useRequest('gmail.getClient', {});
  const saveClient = useMutate('gmail.setClient');
  const [changing, setChanging] = useState(false);
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const savedId = client.data?.clientId ?? '';

  useEffect(() => setClientId(savedId), [savedId]);

  const onSaveClient = async (e: FormEvent) => {
    e.preventDefault();
    const secret = clientSecret;
    setClientSecret('');
    if (await saveClient.run({ clientId: clientId.trim(), clientSecret: secret })) setChanging(false);
  };

  const configured = client.data?.configured ?? null;
  return (
    <section className="card stack" aria-labelledby="gmail-title">
      <h2 id="gmail-title">Gmail</h2>
      <ErrorNote message={client.errorMessage} />
      {(configured === false || changing) && (
        <form className="stack" onSubmit={onSaveClient}>
          <p className="muted">
            Gmail accounts connect through your own Google Cloud OAuth client of type “Desktop app”. Paste its client ID
            and secret once.
          </p>
          <label>
            Client ID
            <input value={clientId} onChange={(e) => setClientId(e.target.value)} required />
          </label>
          <label>
            Client secret
            <input
              type="password"
              value={clientSecret}
              onChange={(e) => setClientSecret(e.target.value)}
              required
              autoComplete="off"
            />
          </label>
          <button type="submit" className="primary" disabled={saveClient.busy}>
            Save OAuth client
          </button>
          <ErrorNote message={saveClient.error} />
        </form>
      )}
      {configured && !changing && (
        <>
          <p className="muted">OAuth client: {savedId}</p>
          <GmailConnect label="Connect Gmail" />
          <button type="button" className="link" onClick={() => setChanging(true)}>
            Change OAuth client
          </button>
        </>
      )}
    </section>
  );
}
