import type { User } from '../model/auth.js';

export interface UserRepo {
  create(u: User): Promise<User>;
  get(name: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  update(name: string, patch: Partial<Omit<User, 'name' | 'created_at'>>): Promise<User | undefined>;
  /** The user whose nickname for `platform` is `chatUser`. */
  findByNickname(platform: string, chatUser: string): Promise<User | undefined>;
}
