// Waiting on a change feed's state without sleeping: the feed says when it is live or lost.
import type { ChangeFeed, ChangeListener } from '../../src/store/change-feed.js';

/** Resolves when `feed` reports `event`, at once if it is already in that state. */
export function feedState(feed: ChangeFeed, event: 'live' | 'lost'): Promise<void> {
  if ((event === 'live') === feed.isLive) return Promise.resolve();
  return new Promise((resolve) => {
    let unsubscribe = () => {};
    const done = () => {
      queueMicrotask(() => unsubscribe());
      resolve();
    };
    const listener: ChangeListener = {
      changed: () => {},
      live: () => event === 'live' && done(),
      lost: () => event === 'lost' && done(),
    };
    unsubscribe = feed.subscribe(listener);
  });
}
