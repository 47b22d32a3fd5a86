// Keyset-paged reads (recipients, outbox, suppressions, uncertain rows): pages load as the user
// scrolls, each page asks `after` the last one's `next`. One cache entry holds all loaded pages,
// under the same [name, input] key as any other request, so the event table covers it too.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { RequestInput, RequestName, RequestOutput } from '../../../shared/contract';
import { useClient } from './data-provider';
import { callOrThrow } from './hooks';
import { messageOf } from './request-error';

/** Requests answered with a keyset page. */
export type PagedName = {
  [N in RequestName]: RequestOutput<N> extends { rows: unknown[]; total: number; next: unknown } ? N : never;
}[RequestName];

type Page<N extends PagedName> = RequestOutput<N>;
type Row<N extends PagedName> = Page<N>['rows'][number];
type Cursor<N extends PagedName> = Page<N>['next'];

export function usePagedRequest<N extends PagedName>(
  name: N,
  input: Omit<RequestInput<N>, 'after'>,
  opts: { enabled?: boolean } = {},
) {
  const client = useClient();
  const q = useInfiniteQuery({
    queryKey: [name, input] as const,
    queryFn: ({ pageParam }) =>
      callOrThrow(client, name, (pageParam === null ? input : { ...input, after: pageParam }) as RequestInput<N>),
    initialPageParam: null as Cursor<N> | null,
    getNextPageParam: (last: Page<N>) => (last.next ?? undefined) as Cursor<N> | undefined,
    enabled: opts.enabled ?? true,
    placeholderData: (prev) => prev,
  });
  const rows = useMemo(() => (q.data?.pages ?? []).flatMap((p) => p.rows as Row<N>[]), [q.data]);
  const total = q.data?.pages[0]?.total ?? 0;
  const { fetchNextPage, hasNextPage, isFetchingNextPage } = q;
  const loadMore = useMemo(
    () => () => {
      if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
    },
    [fetchNextPage, hasNextPage, isFetchingNextPage],
  );
  return {
    rows,
    total,
    hasMore: hasNextPage,
    loadMore,
    isSuccess: q.isSuccess,
    isFetching: q.isFetching,
    errorMessage: messageOf(q.error),
  };
}
