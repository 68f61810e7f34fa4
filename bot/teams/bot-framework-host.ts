/**
 * The only module that touches botbuilder (Bot Framework SDK 4). Microsoft has ended support for
 * it; its successor, the Microsoft 365 Agents SDK (`@microsoft/agents-hosting`: `CloudAdapter`,
 * `TurnContext`, `MsalTokenProvider`), speaks the same Activity protocol, so a swap replaces this
 * file alone: the adapter above it sees only `TeamsActivity`, JSON conversation references and the
 * four operations below.
 */
import {
  type Activity,
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationReference,
  TeamsInfo,
  TurnContext,
} from 'botbuilder';
import type { JsonObject } from '../../engine/model/json.js';
import type { ResolvedTeamsConfig } from './teams-config.js';
import type { TeamsActivity } from './teams-events.js';

/** Bot Framework's public-cloud endpoints (botframework-connector's AuthenticationConstants, not re-exported by botbuilder). */
const PUBLIC_CLOUD = {
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
} as const;

/** jsonwebtoken's errors: the token is bad, not the server. */
const JWT_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/** What the adapter may do during an inbound turn. */
export interface InboundTurn {
  activity: TeamsActivity;
  /** Where replies to this conversation go, as JSON for the store. */
  reference: JsonObject;
  /** The sender's UPN/e-mail, looked up through the connector. */
  senderEmail(): Promise<string | undefined>;
}

/** The outcome of one inbound HTTP request. */
export type InboundOutcome = { status: 200 } | { status: 400 | 401 | 500; reason: string };

// processActivity is protected on CloudAdapter; calling it directly (rather than `process`) keeps
// the SDK from printing errors to the console and from echoing them into 401 bodies.
class SquallCloudAdapter extends CloudAdapter {
  run(authHeader: string, activity: Activity, logic: (ctx: TurnContext) => Promise<void>): Promise<unknown> {
    return this.processActivity(authHeader, activity, logic);
  }
}

function authOptions(cfg: ResolvedTeamsConfig): ConfigurationBotFrameworkAuthenticationOptions {
  if (cfg.anonymous) return {};
  const o: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: cfg.appId ?? '',
    MicrosoftAppPassword: cfg.appPassword ?? '',
    MicrosoftAppType: cfg.appType,
  };
  if (cfg.tenantId) o.MicrosoftAppTenantId = cfg.tenantId;
  if (cfg.openIdMetadataUrl || cfg.tokenIssuer) {
    // Once one endpoint is overridden the SDK takes all of them from here, so give the rest their defaults.
    Object.assign(o, {
      ...PUBLIC_CLOUD,
      ToBotFromChannelOpenIdMetadataUrl: cfg.openIdMetadataUrl ?? PUBLIC_CLOUD.ToBotFromChannelOpenIdMetadataUrl,
      ToBotFromChannelTokenIssuer: cfg.tokenIssuer ?? PUBLIC_CLOUD.ToBotFromChannelTokenIssuer,
      ToChannelFromBotLoginUrl: cfg.tenantId
        ? `https://login.microsoftonline.com/${cfg.tenantId}`
        : PUBLIC_CLOUD.ToChannelFromBotLoginUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
      ValidateAuthority: true,
    });
  }
  return o;
}

/** Bot Framework hosting: inbound Activities (authenticated unless anonymous) and outbound sends. */
export class BotFrameworkHost {
  readonly #adapter: SquallCloudAdapter;
  readonly #appId: string;

  constructor(cfg: ResolvedTeamsConfig) {
    this.#adapter = new SquallCloudAdapter(new ConfigurationBotFrameworkAuthentication(authOptions(cfg)));
    this.#appId = cfg.appId ?? '';
  }

  /** Authenticates one Activity (the `Authorization` header) and runs `logic` as its turn. */
  async receive(
    authHeader: string,
    body: JsonObject,
    logic: (turn: InboundTurn) => Promise<void>,
  ): Promise<InboundOutcome> {
    const activity = body as unknown as Activity;
    if (typeof activity.type !== 'string') return { status: 400, reason: 'the Activity has no type' };
    try {
      await this.#adapter.run(authHeader, activity, async (ctx) => {
        const reference = JSON.parse(
          JSON.stringify(TurnContext.getConversationReference(ctx.activity) as ConversationReference),
        ) as JsonObject;
        await logic({
          activity: ctx.activity as unknown as TeamsActivity,
          reference,
          senderEmail: async () => {
            const m = await TeamsInfo.getMember(ctx, ctx.activity.from.id);
            return m.email ?? m.userPrincipalName ?? undefined;
          },
        });
      });
      return { status: 200 };
    } catch (e) {
      // botframework-connector's AuthenticationError (not re-exported by botbuilder) carries the status;
      // a bad signature surfaces as jsonwebtoken's own error, which the SDK would answer with 500.
      const err = e as { statusCode?: unknown; name?: unknown; message?: unknown };
      if (err.statusCode === 401 || (typeof err.name === 'string' && JWT_ERRORS.has(err.name))) {
        return { status: 401, reason: String(err.message) };
      }
      return { status: 500, reason: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Sends an Activity into the conversation of `reference` (replying to its activity); returns the new id. */
  async send(reference: JsonObject, activity: JsonObject): Promise<string> {
    let id = '';
    await this.#adapter.continueConversationAsync(
      this.#appId,
      reference as unknown as Partial<ConversationReference>,
      async (ctx) => {
        // ctx.sendActivity would reply to the synthetic id of the continuation turn; applying the
        // stored reference ourselves makes the message reply to the command (its reply chain).
        const out = TurnContext.applyConversationReference(
          { ...(activity as unknown as Partial<Activity>) },
          reference as unknown as Partial<ConversationReference>,
        );
        const [sent] = await ctx.adapter.sendActivities(ctx, [out]);
        id = sent?.id ?? '';
      },
    );
    return id;
  }

  /** Replaces a posted Activity. */
  async update(reference: JsonObject, activityId: string, activity: JsonObject): Promise<void> {
    await this.#adapter.continueConversationAsync(
      this.#appId,
      reference as unknown as Partial<ConversationReference>,
      async (ctx) => {
        await ctx.updateActivity({ ...(activity as unknown as Partial<Activity>), id: activityId });
      },
    );
  }
}

interface RestErrorLike {
  statusCode?: unknown;
  code?: unknown;
  response?: { headers?: { get?(name: string): string | undefined } };
  message?: unknown;
}

/** What a failed send means, read from the connector's error (an @azure/core-rest-pipeline RestError). */
export function connectorFailure(e: unknown): { status: number; retryAfterMs?: number; reason: string } {
  const err = (typeof e === 'object' && e !== null ? e : {}) as RestErrorLike;
  const status = typeof err.statusCode === 'number' ? err.statusCode : 0;
  const reason = status
    ? `HTTP ${status}${typeof err.code === 'string' ? ` ${err.code}` : ''}`
    : String(err.message ?? e);
  const after = err.response?.headers?.get?.('retry-after');
  const secs = after === undefined ? Number.NaN : Number(after);
  return Number.isFinite(secs) ? { status, retryAfterMs: secs * 1000, reason } : { status, reason };
}
