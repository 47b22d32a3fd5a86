// A campaign's results as a spreadsheet: one row per recipient with its merge fields, state,
// sending account, send time, Message-ID and last error. Formula-safe, built a page at a time.
import type { FileDownload } from '../../../shared/contract';
import type { EngineContext } from '../context';
import { notFound } from '../errors';
import { toCsvPaged } from './csv';

function csvFileName(campaignName: string): string {
  const base = campaignName
    .replace(/[^\p{L}\p{N} _-]+/gu, ' ')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 80);
  return `${base || 'campaign'}-results.csv`;
}

export async function campaignResultsCsv(ctx: EngineContext, campaignId: number): Promise<FileDownload> {
  const { store } = ctx;
  const found = store.campaigns.get(campaignId);
  if (!found) throw notFound('The campaign');
  const c = found;
  const labels = new Map<number, string>();
  const accountLabel = (accountId: number | null): string => {
    if (accountId === null) return '';
    let label = labels.get(accountId);
    if (label === undefined) {
      label = store.accounts.withRemoved(accountId)?.label ?? `account ${accountId}`;
      labels.set(accountId, label);
    }
    return label;
  };
  const keys = c.fields.map((f) => f.key);
  const header = [
    'address',
    ...c.fields.map((f) => f.label),
    'state',
    'account',
    'sent_at',
    'message_id',
    'error',
    'feedback',
  ];
  function* pages(): Generator<string[][]> {
    for (const page of store.recipients.iterate(c.id)) {
      yield page.map((r) => [
        r.address,
        ...keys.map((k) => r.fields[k] ?? ''),
        r.state,
        accountLabel(r.accountId),
        r.sentAt === null ? '' : new Date(r.sentAt).toISOString(),
        r.messageId ?? '',
        r.lastError ?? '',
        r.feedback ?? '',
      ]);
    }
  }
  const content = await toCsvPaged(header, pages(), { addressColumn: 0 });
  return { filename: csvFileName(c.name), contentType: 'text/csv; charset=utf-8', content };
}
