// Puts the one Client and the query cache under the app, and keeps the cache true: every pushed
// event goes through the invalidation table, and a reconnect re-asks everything on screen.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { EVENT_NAMES } from '../../../shared/channels';
import type { EventName, EventPayloads } from '../../../shared/contract';
import type { Client } from '../client';
import { useUi } from '../state/ui-store';
import { effectRunner } from './apply-effects';
import { effectsOfEvent } from './invalidation';

const ClientContext = createContext<Client | null>(null);

export function useClient(): Client {
  const c = useContext(ClientContext);
  if (!c) throw new Error('useClient outside <DataProvider>');
  return c;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Events keep the cache fresh; nothing refetches on a timer or on window focus.
        staleTime: Number.POSITIVE_INFINITY,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // The engine is local: a failed request is an answer to show, not a blip to retry.
        retry: false,
      },
      mutations: { retry: false },
    },
  });
}

/** Subscribes the cache to the client's events; returns the unsubscribe. */
export function bindEvents(client: Client, queryClient: QueryClient): () => void {
  const runner = effectRunner(queryClient);
  const offs = EVENT_NAMES.map((event) =>
    client.on(event, (payload) => runner.run(effectsOfEvent(event as EventName, payload as EventPayloads[EventName]))),
  );
  let wasOpen = false;
  offs.push(
    client.onConnection((state) => {
      useUi.getState().setConnection(state);
      // Events sent while the socket was down are gone: whatever is shown may be stale.
      if (state === 'open' && wasOpen) void queryClient.invalidateQueries();
      if (state === 'open') wasOpen = true;
    }),
  );
  offs.push(
    client.on('account.needsReauth', (p) =>
      useUi.getState().notify(`${p.label} needs to be connected again: ${p.message}`),
    ),
  );
  return () => {
    runner.stop();
    for (const off of offs) off();
  };
}

export function DataProvider({
  client,
  queryClient,
  children,
}: {
  client: Client;
  queryClient?: QueryClient;
  children: ReactNode;
}) {
  const [qc] = useState(() => queryClient ?? createQueryClient());
  useEffect(() => bindEvents(client, qc), [client, qc]);
  return (
    <ClientContext.Provider value={client}>
      <QueryClientProvider client={qc}>{children}</QueryClientProvider>
    </ClientContext.Provider>
  );
}
