import { z } from 'zod';
import { SquallError } from '../../engine/errors.js';

/**
 * `chat.teams` in squall.yaml. Every field is optional here because the app id and password usually
 * come from the environment; `resolveTeamsConfig` checks them and applies the defaults.
 */
export const teamsConfigSchema = z
  .object({
    /** The bot's Microsoft App ID (a GUID, from the Azure Bot resource). Env: SQUALL_TEAMS_APP_ID. */
    app_id: z.string().optional(),
    /** The app's client secret. Env: SQUALL_TEAMS_APP_PASSWORD. */
    app_password: z.string().optional(),
    /** The Entra tenant (GUID); set for a single-tenant app. Env: SQUALL_TEAMS_TENANT_ID. */
    tenant_id: z.string().optional(),
    /** Tests and local emulators only: accept Activities without authentication. Env: SQUALL_TEAMS_ANONYMOUS=1. @default false */
    anonymous: z.boolean().optional(),
    /** `edit` turns the ack message into the result; `reply` posts the result as a new reply. @default reply */
    result_mode: z.enum(['edit', 'reply']).optional(),
    /** Largest Activity Squall sends (UTF-16 units of its JSON); Teams refuses about 100 KB with 413. @default 28000 */
    max_message_bytes: z.number().int().min(2000).max(250_000).optional(),
    /** Map users by their UPN/e-mail (looked up through the connector, cached) besides the AAD object id. @default false */
    identity_by_email: z.boolean().optional(),
    /** Minimum spacing of messages in one conversation. @default 1000 */
    min_interval_ms: z.number().int().min(0).optional(),
    /** Messages one conversation may send back to back before the spacing applies. @default 5 */
    burst: z.number().int().min(1).optional(),
    /** First back-off after a connector outage (5xx, network); doubles per attempt. @default 1000 */
    retry_base_ms: z.number().int().min(1).optional(),
    /** Longest back-off between attempts during an outage. @default 60000 */
    retry_max_ms: z.number().int().min(1).optional(),
    /** Where the channel's signing keys are published (sovereign clouds, tests). @default Bot Framework's */
    openid_metadata_url: z.string().url().optional(),
    /** Issuer the channel's tokens must carry. @default https://api.botframework.com */
    token_issuer: z.string().optional(),
  })
  .strict();

export type TeamsOptions = z.infer<typeof teamsConfigSchema>;

/** The Teams settings with every default applied, checked, frozen. */
export interface ResolvedTeamsConfig {
  /** Undefined only in anonymous mode. */
  readonly appId: string | undefined;
  readonly appPassword: string | undefined;
  readonly tenantId: string | undefined;
  /** SingleTenant when a tenant id is set. */
  readonly appType: 'MultiTenant' | 'SingleTenant';
  readonly anonymous: boolean;
  readonly resultMode: 'edit' | 'reply';
  readonly maxMessageBytes: number;
  readonly identityByEmail: boolean;
  readonly minIntervalMs: number;
  readonly burst: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly openIdMetadataUrl: string | undefined;
  readonly tokenIssuer: string | undefined;
}

const ENV = {
  app_id: 'SQUALL_TEAMS_APP_ID',
  app_password: 'SQUALL_TEAMS_APP_PASSWORD',
  tenant_id: 'SQUALL_TEAMS_TENANT_ID',
  anonymous: 'SQUALL_TEAMS_ANONYMOUS',
} as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when Teams is configured: a `chat.teams` section, an app id or anonymous mode in the environment. */
export function isTeamsConfigured(input: unknown, env: Record<string, string | undefined>): boolean {
  return input !== undefined || Boolean(env[ENV.app_id]) || Boolean(env[ENV.anonymous]);
}

function describe(e: z.ZodError): string[] {
  return e.issues.map((i) => {
    const path = ['teams', ...i.path.map(String)].join('.');
    if (i.code === 'unrecognized_keys') return `${path}: unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${path}: ${i.message}`;
  });
}

/**
 * Validates `chat.teams` (plus the SQUALL_TEAMS_* variables, used where the file leaves a field out)
 * and returns the frozen settings. Every problem is reported at once in one SQ_CONFIG_INVALID
 * error; no message contains the password.
 */
export function resolveTeamsConfig(input: unknown, env: Record<string, string | undefined>): ResolvedTeamsConfig {
  const parsed = teamsConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw new SquallError('SQ_CONFIG_INVALID', describe(parsed.error).join('\n'));
  const o = parsed.data;
  const pick = (k: 'app_id' | 'app_password' | 'tenant_id'): string | undefined => {
    const v = o[k] ?? env[ENV[k]];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const problems: string[] = [];
  const anonEnv = env[ENV.anonymous];
  if (anonEnv !== undefined && !['', '0', '1'].includes(anonEnv)) {
    problems.push(`${ENV.anonymous} must be 1 (anonymous, tests only) or 0 (got "${anonEnv}")`);
  }
  const anonymous = o.anonymous ?? anonEnv === '1';
  const appId = pick('app_id');
  const appPassword = pick('app_password');
  const tenantId = pick('tenant_id');
  if (anonymous) {
    if (appId) problems.push(`teams.anonymous cannot be combined with an app id (${ENV.app_id}); choose one`);
  } else {
    if (!appId) problems.push(`teams.app_id is required (or set ${ENV.app_id}; ${ENV.anonymous}=1 only for tests)`);
    else if (!GUID.test(appId))
      problems.push(`teams.app_id must be a GUID such as 00000000-0000-0000-0000-000000000000 (got "${appId}")`);
    if (!appPassword) problems.push(`teams.app_password is required (or set ${ENV.app_password})`);
  }
  if (tenantId !== undefined && !GUID.test(tenantId)) {
    problems.push(`teams.tenant_id must be a GUID (the Entra tenant id; got "${tenantId}")`);
  }
  if (problems.length > 0) throw new SquallError('SQ_CONFIG_INVALID', problems.join('\n'));
  return Object.freeze({
    appId: anonymous ? undefined : appId,
    appPassword: anonymous ? undefined : appPassword,
    tenantId,
    appType: tenantId ? 'SingleTenant' : 'MultiTenant',
    anonymous,
    resultMode: o.result_mode ?? 'reply',
    maxMessageBytes: o.max_message_bytes ?? 28_000,
    identityByEmail: o.identity_by_email ?? false,
    minIntervalMs: o.min_interval_ms ?? 1000,
    burst: o.burst ?? 5,
    retryBaseMs: o.retry_base_ms ?? 1000,
    retryMaxMs: o.retry_max_ms ?? 60_000,
    openIdMetadataUrl: o.openid_metadata_url,
    tokenIssuer: o.token_issuer,
  });
}
