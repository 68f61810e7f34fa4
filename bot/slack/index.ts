export { createSlackAdapter, SlackAdapter, type SlackAdapterDeps, type SlackSendOptions } from './slack-adapter.js';
export {
  isSlackConfigured,
  type ResolvedSlackConfig,
  resolveSlackConfig,
  type SlackOptions,
  slackConfigSchema,
} from './slack-config.js';
export { escapeMrkdwn, formatSlackMessage, type SlackBlock, type SlackRendered } from './slack-format.js';
export { unescapeSlackText } from './slack-text.js';
