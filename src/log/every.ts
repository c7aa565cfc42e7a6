/**
 * Runs `task` every `periodMs` without overlapping runs (a run still going skips the tick) and without keeping
 * the process alive. Undefined when `periodMs` is 0 or less: the task is disabled.
 */
export function every(
  periodMs: number,
  task: () => Promise<unknown>,
  onError: (err: unknown) => void,
): NodeJS.Timeout | undefined {
  if (periodMs <= 0) return undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch(onError)
      .finally(() => (running = false));
  }, periodMs);
  timer.unref();
  return timer;
}
