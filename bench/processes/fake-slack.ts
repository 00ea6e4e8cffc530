import { FakeSlack } from '../../test/fakes/slack';
import { serveChild } from '../support/child-main';
import { fakeSlackRequest, type FakeSlackInfo, type SlackIdentity } from '../support/fake-slack-process';

/** A public channel the bot is in, and a person in it. */
function identityOf(fake: FakeSlack): SlackIdentity {
  const { teamId, teamDomain, appId, botUserId, channels, users } = fake.workspace;
  const channel = channels.find((c) => !c.isPrivate && !c.isArchived && c.members.includes(botUserId));
  const user = users.find((u) => u.id !== botUserId && !u.isBot && channel?.members.includes(u.id));
  if (!channel || !user)
    throw new Error('the fake workspace has no public channel with the bot and a person');
  return {
    teamId,
    teamDomain,
    appId,
    channelId: channel.id,
    channelName: channel.name,
    userId: user.id,
    userName: user.name,
  };
}

serveChild(async () => {
  const fake = await FakeSlack.start();
  const identity = identityOf(fake);
  const info: FakeSlackInfo = { apiUrl: fake.apiUrl, botToken: fake.botToken, identity };
  return {
    info,
    handle: async (raw) => {
      const request = fakeSlackRequest.parse(raw);
      switch (request.kind) {
        case 'issue-response-urls':
          return Array.from({ length: request.count }, () =>
            fake.issueResponseUrl({ channelId: identity.channelId, userId: identity.userId }),
          );
        case 'accepted-responses':
          return fake.responses().filter((r) => r.status === 200).length;
      }
    },
    stop: () => fake.close(),
  };
});
