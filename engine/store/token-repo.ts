import type { Token } from '../model/auth.js';

export interface TokenRepo {
  create(t: Token): Promise<Token>;
  getByHash(tokenHash: string): Promise<Token | undefined>;
  delete(tokenHash: string): Promise<boolean>;
  /** Removes tokens whose expiry is before `now`; returns how many. */
  deleteExpired(now: string): Promise<number>;
}
