/**
 * People whose Home view must be republished, kept in the store so that a change survives a restart: marked
 * when the change is recorded, claimed by the one replica that publishes it, cleared once it is published.
 */
export interface HomeMarkStore {
  /** Marks these people's Home as changed (again, when it already is). */
  markHomes(userIds: string[], at: Date): Promise<void>;
  /** Marked people nobody holds (or whose holder's claim expired by `now`), oldest mark first. */
  unclaimedHomes(now: Date, limit: number): Promise<string[]>;
  /**
   * Claims `userId`'s mark for `owner` until `until`; returns the change it covers (its version), or
   * undefined when there is no mark or another process holds it.
   */
  claimHome(userId: string, owner: string, now: Date, until: Date): Promise<number | undefined>;
  /**
   * The Home is published as of `version`: the mark is forgotten, unless it changed since (then it is only
   * released, for a publish that shows the later change).
   */
  clearHome(userId: string, owner: string, version: number): Promise<void>;
}
