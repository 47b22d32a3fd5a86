// What carries the contract to the page, named once for both ends: the preload's bridge object
// (Electron) and the headless server's WebSocket endpoint.
import type { Api, EventName, EventPayloads } from './contract';

/** The global the preload exposes in the page: `window.campaignTray`. */
export const BRIDGE_GLOBAL = 'campaignTray';

/** What the page sees as `window.campaignTray`: one method per request, and `on` for events. */
export type CampaignTrayBridge = Api & {
  on<E extends EventName>(event: E, callback: (payload: EventPayloads[E]) => void): () => void;
};

/** The headless server's WebSocket endpoint. */
export const WS_PATH = '/ws';
/** The session token travels as the subprotocol `ct.<token>` (browsers cannot set headers). */
export const WS_TOKEN_PROTOCOL_PREFIX = 'ct.';

/**
 * The headless server closes a WebSocket with this code when its token is not this run's (the
 * server restarted since the page was opened): reconnecting cannot help, the new address can.
 */
export const WS_CLOSE_STALE_TOKEN = 4401;
