// The only way screens talk to the engine: contract-typed queries, mutations and event follows.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import type { EventName, EventPayloads, RequestInput, RequestName, RequestOutput } from '../../../shared/contract';
import type { Client } from '../client';
import { effectRunner } from './apply-effects';
import { useClient } from './data-provider';
import { effectsOfMutation } from './invalidation';
import { requestKey } from './keys';
import { messageOf, RequestError } from './request-error';

export async function callOrThrow<N extends RequestName>(
  client: Client,
  name: N,
  input: RequestInput<N>,
): Promise<RequestOutput<N>> {
  const r = await client.call(name, input);
  if (!r.ok) throw new RequestError(name, r.error.code, r.error.message);
  return r.value;
}

export interface RequestOptions {
  /** false: wait (e.g. until an id is known). */
  enabled?: boolean;
  /** Keep showing the last answer while a new input loads (search boxes, paging). */
  keepPrevious?: boolean;
}

/** A cached read. `error` is the engine's sentence, ready to show. */
export function useRequest<N extends RequestName>(name: N, input: RequestInput<N>, opts: RequestOptions = {}) {
  const client = useClient();
  const q = useQuery({
    queryKey: requestKey(name, input),
    queryFn: () => callOrThrow(client, name, input),
    enabled: opts.enabled ?? true,
    ...(opts.keepPrevious ? { placeholderData: keepPreviousData } : {}),
  });
  return { ...q, data: q.data as RequestOutput<N> | undefined, errorMessage: messageOf(q.error) };
}

/**
 * A write. `run` resolves to the result, or null when it failed (the message is in `error`).
 * What it makes stale is the invalidation table's business, not the caller's.
 */
export function useMutate<N extends RequestName>(name: N) {
  const client = useClient();
  const queryClient = useQueryClient();
  const m = useMutation({
    mutationFn: (input: RequestInput<N>) => callOrThrow(client, name, input),
    onSuccess: (_out, input) => effectRunner(queryClient).run(effectsOfMutation(name, input)),
  });
  const { mutateAsync, reset } = m;
  const run = useCallback(
    (input: RequestInput<N>): Promise<RequestOutput<N> | null> => mutateAsync(input).catch(() => null),
    [mutateAsync],
  );
  return { run, busy: m.isPending, error: messageOf(m.error), data: m.data as RequestOutput<N> | undefined, reset };
}

/** Follows one pushed event while mounted (the latest callback is used, without resubscribing). */
export function useEvent<E extends EventName>(event: E, cb: (payload: EventPayloads[E]) => void): void {
  const client = useClient();
  const latest = useRef(cb);
  latest.current = cb;
  useEffect(() => client.on(event, (p) => latest.current(p)), [client, event]);
}
