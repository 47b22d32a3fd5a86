// What a provider answered when a send or a sign-in failed, in one shape for policy/classify.ts.
// Every transport and the Gmail OAuth flow produce it, so it belongs to neither (gmail/ and transports/ both import it).
import type { WireHandover } from '../../shared/domain';

/** What went wrong, in the terms of the layer that saw it. */
export type TransportFailure =
  | { source: 'smtp'; responseCode: number | null; response: string; code: string | null; command: string | null }
  | { source: 'http'; status: number; reason: string | null; message: string; retryAfter: string | null }
  | { source: 'oauth'; error: string; description: string | null }
  | { source: 'network'; code: string | null; message: string }
  /** The whole message was handed over (its final CRLF.CRLF written) and no answer came: it may have been delivered. */
  | { source: 'interrupted'; code: string | null; message: string; handover: WireHandover }
  | { source: 'config'; message: string };
