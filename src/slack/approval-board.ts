import type { webApi } from '@slack/bolt';
import type { ApprovalBoard, ApprovalView } from '../core/approvals/board';
import type { Log } from '../core/kit/log';
import { tellUser } from './ephemeral';
import { approvalRequestMessage, requesterNotice } from './ui/approval';

/** Approval requests in a rule's approval channel, and the word to the requester once decided. */
export class SlackApprovalBoard implements ApprovalBoard {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: Log,
  ) {}

  async postRequest(view: ApprovalView): Promise<string> {
    const res = await this.client.chat.postMessage({
      channel: view.status.request.channelId,
      ...approvalRequestMessage(view, await this.runLink(view)),
      unfurl_links: false,
    });
    return String(res.ts);
  }

  async updateRequest(view: ApprovalView): Promise<void> {
    const ts = view.status.request.messageTs;
    if (!ts) return;
    await this.client.chat.update({
      channel: view.status.request.channelId,
      ts,
      ...approvalRequestMessage(view, await this.runLink(view)),
    });
  }

  tellRequester(view: ApprovalView): Promise<void> {
    return tellUser(this.client, this.log, view.run.channelId, view.run.requesterId, requesterNotice(view));
  }

  private async runLink(view: ApprovalView): Promise<string | undefined> {
    if (!view.run.parentTs) return undefined;
    try {
      const res = await this.client.chat.getPermalink({
        channel: view.run.channelId,
        message_ts: view.run.parentTs,
      });
      return res.permalink;
    } catch {
      return undefined;
    }
  }
}
