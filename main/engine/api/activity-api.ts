// The activity log: what the engine did and why, newest first, for one campaign or all.
import type { EngineContext } from '../context';
import type { Handlers } from './handlers';

export function activityHandlers(ctx: EngineContext): Pick<Handlers, 'activity.list'> {
  return {
    'activity.list': ({ campaignId, limit }) => ctx.store.activity.list(campaignId, limit),
  };
}
