// Drafts save themselves: a moment after typing stops, on leaving the tab and on closing the page,
// so an edit is never lost to a tab switch.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CampaignTemplate } from '../../../../shared/domain';
import { useMutate } from '../../data/hooks';

export const AUTOSAVE_DELAY_MS = 800;

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'failed';

const same = (a: CampaignTemplate, b: CampaignTemplate) =>
  a.subject === b.subject && a.body === b.body && a.format === b.format && a.text === b.text;

export function useAutosave(campaignId: number, draft: CampaignTemplate, stored: CampaignTemplate, enabled: boolean) {
  const update = useMutate('campaigns.update');
  const [state, setState] = useState<SaveState>('saved');
  const pending = useRef<CampaignTemplate | null>(null);
  const { run } = update;

  const flush = useCallback(async () => {
    const t = pending.current;
    if (!t) return;
    pending.current = null;
    setState('saving');
    const ok = await run({ id: campaignId, patch: { template: t } });
    // A newer edit may have come in while this one was on its way.
    setState(ok ? (pending.current ? 'unsaved' : 'saved') : 'failed');
  }, [campaignId, run]);

  useEffect(() => {
    if (!enabled || same(draft, stored)) {
      // Typed back to what is stored (or a save just landed): nothing is pending.
      pending.current = null;
      setState((s) => (s === 'saving' ? s : 'saved'));
      return;
    }
    pending.current = draft;
    setState('unsaved');
    const t = setTimeout(() => void flush(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(t);
  }, [draft, stored, enabled, flush]);

  // Leaving the tab (unmount) or the page saves what is pending.
  useEffect(() => {
    const onHide = () => void flush();
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      void flush();
    };
  }, [flush]);

  return { state, error: update.error, saveNow: flush };
}
