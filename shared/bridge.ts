// What carries the contract to the page, named once for both ends: the preload's bridge object
// (Electron) and the headless server's WebSocket endpoint.
import type { Api, EventName, EventPayloads, UploadedFile } from './contract';
import type { Result } from './result';

/** The global the preload exposes in the page: `window.campaignTray`. */
export const BRIDGE_GLOBAL = 'campaignTray';

/** What the page sees as `window.campaignTray`: one method per request, `on` for events, and files. */
export type CampaignTrayBridge = Api & {
  on<E extends EventName>(event: E, callback: (payload: EventPayloads[E]) => void): () => void;
  files: {
    /** A File from a drop or a file input: the preload resolves it to its path for the shell. */
    fromFile(file: File): Promise<Result<UploadedFile>>;
    /** The shell's own open dialog; null when the user cancels. */
    pick(kind: FilePickKind): Promise<Result<UploadedFile | null>>;
  };
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

/**
 * Files reach the headless server as the raw body of `POST /upload` (never inside a WebSocket
 * frame), with the session token in a header and the file name percent-encoded in another; the
 * answer is an UploadedFile whose `fileId` a request then names as its source.
 */
export const UPLOAD_PATH = '/upload';
/**
 * The largest WebSocket frame the headless server reads (a request with its input). A bigger one
 * closes the socket, so the page refuses to send it; files go through UPLOAD_PATH instead.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;
export const UPLOAD_TOKEN_HEADER = 'x-campaign-tray-token';
export const UPLOAD_NAME_HEADER = 'x-file-name';
/** The desktop shell's file channels (not contract requests: they take what the preload resolved). */
export const FILE_CHANNELS = { pick: 'files:pick', dropped: 'files:dropped' } as const;
export const FILE_PICK_KINDS = ['csv', 'attachment'] as const;
export type FilePickKind = (typeof FILE_PICK_KINDS)[number];
