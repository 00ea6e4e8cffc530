/** What a store is used by: the Slack bot, or the console (which must never share the bot's). */
export type Surface = 'slack' | 'console';

export interface SurfaceUse {
  firstAt: Date;
  lastAt: Date;
}

/**
 * Which surfaces opened this store. The console follows whatever runs and digest schedules its store holds,
 * so on the bot's store it would take them over (their updates printed to a terminal instead of their
 * threads): the bot notes itself here at every start, and the console refuses a store the bot has used.
 */
export interface SurfaceStore {
  /** Notes that `surface` uses the store now (keeps the first time). */
  noteSurface(surface: Surface, at: Date): Promise<void>;
  surfaceUse(surface: Surface): Promise<SurfaceUse | undefined>;
}
