// Moves a campaign through the lifecycle table (policy/lifecycle.ts) and tells everyone: the one
// path by which request handlers, the importer and the sender change a campaign's status.
import type { Campaign } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError } from '../errors';
import { type CampaignAction, type StatusMove, transition } from '../policy/lifecycle';

/**
 * Applies `action` to the campaign as it is now. Throws the table's refusal when the action is not
 * allowed, and a conflict when the campaign changed under the caller.
 */
export function moveCampaign(
  ctx: EngineContext,
  c: Campaign,
  action: CampaignAction,
  reason: string | null = null,
): Campaign {
  const move = transition(action, c.status);
  if (!ctx.store.campaigns.move(c.id, move, reason, ctx.clock.now())) {
    throw new AppError('conflict', 'The campaign changed at the same moment; look at it again and retry.');
  }
  announceMove(ctx, c, move, reason);
  return { ...c, status: move.to, pausedReason: reason };
}

/** Emits the contract's event for a move already committed. */
export function announceMove(
  ctx: EngineContext,
  c: Pick<Campaign, 'id' | 'name'>,
  move: StatusMove,
  reason: string | null,
): void {
  ctx.hub.emit('campaign.status', {
    campaignId: c.id,
    name: c.name,
    from: move.from,
    to: move.to,
    cause: move.cause,
    reason,
  });
  ctx.hub.emit('campaigns.changed', { campaignId: c.id });
}
