import type { EngineContext } from '../context';
import { notFound } from '../errors';
import type { Importer } from '../recipients/importer';
import type { Handlers } from './handlers';

type RecipientHandlerNames =
  | 'recipients.list'
  | 'recipients.importPreview'
  | 'recipients.importCommit'
  | 'recipients.exportRejected';

export function recipientsHandlers(ctx: EngineContext, importer: Importer): Pick<Handlers, RecipientHandlerNames> {
  const { store } = ctx;
  return {
    'recipients.list': ({ campaignId, state, search, failure, after, limit }) => {
      if (!store.campaigns.get(campaignId)) throw notFound('The campaign');
      return store.recipients.list(campaignId, { state, search, failure, after, limit });
    },
    'recipients.importPreview': ({ campaignId, source }) => importer.preview(campaignId, source),
    'recipients.importCommit': ({ importId, emailColumn, fieldColumns, renames }) =>
      importer.commit(importId, emailColumn, fieldColumns, renames),
    'recipients.exportRejected': ({ importId }) => importer.rejectedCsv(importId),
  };
}
