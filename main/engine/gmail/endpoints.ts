// Where Google lives. Production uses GOOGLE_ENDPOINTS; tests point every address at a loopback server.

export interface GoogleEndpoints {
  /** The consent page the browser opens. */
  authUrl: string;
  /** Code exchange and refresh (POST, form-encoded). */
  tokenUrl: string;
  /** OpenID Connect userinfo: the account's address when the ID token lacks it. */
  userinfoUrl: string;
  /** Ends a grant (POST, form-encoded `token`): called when a Gmail account is removed. */
  revokeUrl: string;
  /** Root of the Gmail REST API, e.g. 'https://gmail.googleapis.com/'. */
  gmailRootUrl: string;
}

export const GOOGLE_ENDPOINTS: GoogleEndpoints = {
  authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
  gmailRootUrl: 'https://gmail.googleapis.com/',
};

export const GMAIL_SEND_SCOPE = 'https://www.googleapis.com/auth/gmail.send';

/**
 * What every connect asks for. gmail.send is a sensitive (not restricted) scope; SMTP XOAUTH2
 * (https://mail.google.com/) would be restricted, so the app never asks for it.
 */
export const GMAIL_SCOPES = ['openid', 'email', GMAIL_SEND_SCOPE] as const;

/**
 * Reading bounces and replies needs a read scope; gmail.readonly is restricted. It is asked for only
 * when the user turns feedback on for an account, on top of what was granted before
 * (include_granted_scopes), and sending never depends on it.
 */
export const GMAIL_READ_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
