// UI state only: the transport's health and the one app-wide notice. Server data lives in the
// query cache (data/), form drafts in the components that own them.
import { create } from 'zustand';
import type { ConnectionState } from '../client';

export interface UiState {
  connection: ConnectionState;
  notice: string | null;
  setConnection(state: ConnectionState): void;
  notify(message: string): void;
  dismissNotice(): void;
}

export const useUi = create<UiState>()((set) => ({
  connection: 'connecting',
  notice: null,
  setConnection: (connection) => set({ connection }),
  notify: (notice) => set({ notice }),
  dismissNotice: () => set({ notice: null }),
}));
