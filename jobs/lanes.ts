// Bounded concurrency without a queue library: `lanes` workers each take the next item
// until none is left, so at most `lanes` calls of `work` are in flight at once.
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, lanes), items.length) }, lane));
}
