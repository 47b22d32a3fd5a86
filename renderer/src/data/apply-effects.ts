// Applies the invalidation table's effects to the query cache. Throttled invalidations run at
// once when their key is quiet and at most once per interval (trailing) while events keep coming.
import type { QueryClient } from '@tanstack/react-query';
import type { Effect } from './invalidation';

export interface EffectRunner {
  run(effects: Effect[]): void;
  /** Drops pending trailing refetches (on unmount). */
  stop(): void;
}

export function effectRunner(queryClient: QueryClient, now: () => number = Date.now): EffectRunner {
  const last = new Map<string, number>();
  const trailing = new Map<string, ReturnType<typeof setTimeout>>();

  const refetch = (effect: Effect) => {
    // An answer already on its way is good enough: do not restart it for every event.
    void queryClient.invalidateQueries({ queryKey: effect.filter }, { cancelRefetch: false });
  };

  const apply = (effect: Effect) => {
    if (effect.kind === 'write') {
      for (const q of queryClient.getQueryCache().findAll({ queryKey: effect.filter })) {
        if (q.state.data === undefined) continue;
        const input = q.queryKey[1];
        queryClient.setQueryData(q.queryKey, (old: unknown) => effect.update(old, input));
      }
      return;
    }
    if (effect.throttleMs === undefined) {
      refetch(effect);
      return;
    }
    const id = JSON.stringify(effect.filter);
    if (trailing.has(id)) return;
    const since = now() - (last.get(id) ?? Number.NEGATIVE_INFINITY);
    if (since >= effect.throttleMs) {
      last.set(id, now());
      refetch(effect);
      return;
    }
    trailing.set(
      id,
      setTimeout(() => {
        trailing.delete(id);
        last.set(id, now());
        refetch(effect);
      }, effect.throttleMs - since),
    );
  };

  return {
    run(effects) {
      for (const e of effects) apply(e);
    },
    stop() {
      for (const t of trailing.values()) clearTimeout(t);
      trailing.clear();
    },
  };
}
