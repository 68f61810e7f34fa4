import { AliasMatcher } from '../../aliases/matcher.js';
import type { Bus, Subscription } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import type { ActionAlias } from '../model/alias.js';
import type { Store } from '../store/store.js';

/**
 * The registered aliases and their compiled matcher, shared by the chat router and the alias API.
 * Rebuilt when packs are registered or aliases change through the API (and every `refreshMs`, so that
 * a bot in another process sees changes too): hubot's two-minute poll and restarts are not needed.
 */
export class AliasCatalog {
  #aliases: ActionAlias[] = [];
  #matcher = new AliasMatcher([]);
  #timer: NodeJS.Timeout | undefined;
  #loading: Promise<void> | undefined;
  #changes: Subscription | undefined;

  /** `bus`: reload when packs are registered anywhere (`rules.changed`), e.g. by a `packs.install` execution. */
  constructor(private readonly deps: { store: Store; logger: Logger; refreshMs?: number; bus?: Bus }) {}

  get aliases(): readonly ActionAlias[] {
    return this.#aliases;
  }

  get matcher(): AliasMatcher {
    return this.#matcher;
  }

  async start(): Promise<void> {
    await this.refresh();
    const ms = this.deps.refreshMs ?? 30_000;
    this.#timer = setInterval(() => void this.refresh(), ms);
    this.#timer.unref();
    this.#changes = await this.deps.bus?.subscribe('rules.changed', () => this.refresh());
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    void this.#changes?.cancel();
  }

  refresh(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    const all: ActionAlias[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.deps.store.aliases.list({ limit: 1000, offset });
      all.push(...page.items);
      if (page.items.length < 1000) break;
    }
    this.#aliases = all;
    this.#matcher = new AliasMatcher(all.filter((a) => a.enabled));
    for (const p of this.#matcher.problems) {
      this.deps.logger.warn('alias format skipped', { alias: p.ref, format: p.format, problem: p.problem });
    }
  }
}
