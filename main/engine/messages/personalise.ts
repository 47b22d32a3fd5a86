import type { Campaign } from '../../../shared/domain';
import type { CompiledTemplate, Rendered } from './template';
import { listUnsubscribe, type UnsubscribeToken } from './unsubscribe';

/**
 * One recipient's subject, bodies and unsubscribe targets. The preview and the sender both call
 * this, so what the user previews is what goes out.
 */
export function personalise(
  template: CompiledTemplate,
  campaign: Pick<Campaign, 'unsubscribe'>,
  fromAddress: string,
  to: { address: string; fields: Record<string, string> },
  token: UnsubscribeToken | null = null,
  /** The one-click endpoint's public base URL, when the headless server runs it. */
  oneClickBase: string | null = null,
): Rendered & { unsubscribe: { mailto: string; url: string | null; token?: string } } {
  const vars: Record<string, string> = { ...to.fields, email: to.address };
  const unsubscribe = listUnsubscribe({
    mailto: campaign.unsubscribe.mailto,
    fromAddress,
    urlTemplate: campaign.unsubscribe.urlTemplate,
    vars,
    token,
    oneClickBase,
  });
  if (unsubscribe.url) vars.unsubscribe_url = unsubscribe.url;
  return { ...template.render(vars), unsubscribe };
}
