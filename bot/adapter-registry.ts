import type { ChatAdapter, Platform } from './chat-adapter.js';

/** The chat adapters running in this process, found by platform (and channel, for the terminal shells). */
export class AdapterRegistry {
  readonly #adapters: ChatAdapter[] = [];

  add(a: ChatAdapter): void {
    this.#adapters.push(a);
  }

  remove(a: ChatAdapter): void {
    const i = this.#adapters.indexOf(a);
    if (i >= 0) this.#adapters.splice(i, 1);
  }

  list(): readonly ChatAdapter[] {
    return this.#adapters;
  }

  find(platform: string, channel: string): ChatAdapter | undefined {
    return this.#adapters.find((a) => a.platform === (platform as Platform) && (a.ownsChannel?.(channel) ?? true));
  }
}
