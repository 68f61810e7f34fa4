import type { Bus, Subscription } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { JsonObject } from '../model/json.js';
import type { Rule } from '../model/rule.js';
import type { Store } from '../store/store.js';
import { withoutSecret } from './webhook-secret.js';

export const WEBHOOK_TRIGGER = 'core.st2.webhook';

/** The generic hook, always registered: its body names the trigger and carries the payload. */
export const GENERIC_HOOK = 'st2';

/** One registered webhook URL: the rules on it and what authenticates a request to it. */
export interface Webhook {
  /** As rules give it, without leading and trailing slashes (`sample` for `/sample/`). */
  url: string;
  /** Refs of the enabled rules on this URL. */
  rules: string[];
  /** The distinct trigger parameters of those rules, `secret` left out: one trigger instance each. */
  triggers: JsonObject[];
  /** The rules' signing secrets (trigger parameter `secret`); a request signed with any of them is let in. */
  secrets: string[];
}

/** StackStorm strips leading and trailing slashes: `/sample/`, `sample/` and `sample` are one hook. */
export function normalizeHookUrl(url: string): string {
  return url.replace(/^\/+|\/+$/g, '');
}

/** The webhooks that enabled rules register, by URL. */
export function webhooksOf(rules: Iterable<Rule>): Map<string, Webhook> {
  const out = new Map<string, Webhook>();
  for (const r of rules) {
    if (!r.enabled || r.trigger.type !== WEBHOOK_TRIGGER) continue;
    const raw = r.trigger.parameters.url;
    if (typeof raw !== 'string') continue;
    const url = normalizeHookUrl(raw);
    let hook = out.get(url);
    if (!hook) {
      hook = { url, rules: [], triggers: [], secrets: [] };
      out.set(url, hook);
    }
    hook.rules.push(r.ref);
    const params = withoutSecret(r.trigger.parameters);
    if (!hook.triggers.some((t) => JSON.stringify(t) === JSON.stringify(params))) hook.triggers.push(params);
    const secret = r.trigger.parameters.secret;
    if (typeof secret === 'string' && secret !== '' && !hook.secrets.includes(secret)) hook.secrets.push(secret);
  }
  return out;
}

const PAGE = 1000;

async function loadRules(store: Store): Promise<Rule[]> {
  const out: Rule[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.rules.list({ limit: PAGE, offset });
    out.push(...page.items);
    if (page.items.length < PAGE || out.length >= page.total) return out;
  }
}

export interface WebhookIndexOptions {
  /** Re-read the rules at least this often, in case a `rules.changed` broadcast was lost. @default 30000 */
  refreshMs?: number;
  /** A URL not found is looked up again in the store at most this often (new rules in another process). @default 1000 */
  missRefreshMs?: number;
}

/**
 * The webhook URLs enabled rules register, kept in memory for the API: re-read when rules change
 * (the `rules.changed` broadcast), now and then, and when a request names a URL not known yet (at
 * most once a second, so unknown URLs cannot make every request read the rules).
 */
export class WebhookIndex {
  readonly #store: Store;
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #refreshMs: number;
  readonly #missRefreshMs: number;
  #hooks: Promise<Map<string, Webhook>> | undefined;
  #loadedAt = 0;
  #sub: Subscription | undefined;
  #starting: Promise<void> | undefined;

  constructor(deps: { store: Store; bus: Bus; logger: Logger }, opts: WebhookIndexOptions = {}) {
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#log = deps.logger.child({ component: 'webhooks' });
    this.#refreshMs = opts.refreshMs ?? 30_000;
    this.#missRefreshMs = opts.missRefreshMs ?? 1000;
  }

  #reload(): Promise<Map<string, Webhook>> {
    this.#loadedAt = Date.now();
    const p = loadRules(this.#store).then(webhooksOf);
    // A failed read is not kept: the next request tries again.
    p.catch((e: Error) => {
      this.#log.warn('cannot read the rules for webhooks', { error: e.message });
      if (this.#hooks === p) this.#hooks = undefined;
    });
    this.#hooks = p;
    return p;
  }

  #start(): Promise<void> {
    this.#starting ??= this.#bus
      .subscribe('rules.changed', async () => {
        void this.#reload().catch(() => {});
      })
      .then((sub) => {
        this.#sub = sub;
      })
      .catch((e: Error) =>
        this.#log.warn('cannot hear rule changes; webhooks re-read rules on a timer', { error: e.message }),
      );
    return this.#starting;
  }

  async #current(): Promise<Map<string, Webhook>> {
    await this.#start();
    if (!this.#hooks || Date.now() - this.#loadedAt > this.#refreshMs) return this.#reload();
    return this.#hooks;
  }

  /** The webhook on this URL (slashes around it ignored), or undefined when no enabled rule registers it. */
  async get(url: string): Promise<Webhook | undefined> {
    const key = normalizeHookUrl(url);
    const found = (await this.#current()).get(key);
    if (found || Date.now() - this.#loadedAt < this.#missRefreshMs) return found;
    return (await this.#reload()).get(key);
  }

  /** Every registered webhook, by URL. */
  async list(): Promise<Webhook[]> {
    return [...(await this.#current()).values()].sort((a, b) => a.url.localeCompare(b.url));
  }

  async stop(): Promise<void> {
    await this.#starting;
    await this.#sub?.cancel();
  }
}
