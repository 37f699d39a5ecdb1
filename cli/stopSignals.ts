/**
 * SIGINT/SIGTERM for `strike start`, listened to from the moment the command begins: a
 * signal that comes while the node is still starting (loading, replaying blocks, opening
 * its ports) is kept and the node stops cleanly as soon as it is up, instead of the process
 * dying half-started. A second signal exits at once, as an impatient operator means.
 */
type StopSignal = "SIGINT" | "SIGTERM";

export interface StopSignals {
  /** The first signal received, if any. */
  readonly received: StopSignal | undefined;
  /** Resolves with the first signal. */
  readonly first: Promise<StopSignal>;
  /** Stops listening (the process's default handling returns). */
  dispose(): void;
}

export interface StopSignalOptions {
  note(message: string): void;
  /** Ends the process on a second signal (tests pass their own). */
  exit?(code: number): void;
  /** Where the signals come from (tests pass an EventEmitter). */
  source?: Pick<NodeJS.Process, "on" | "off">;
}

export function listenForStop(o: StopSignalOptions): StopSignals {
  const source = o.source ?? process;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let received: StopSignal | undefined;
  let resolveFirst: (s: StopSignal) => void = () => {};
  const first = new Promise<StopSignal>((r) => (resolveFirst = r));
  const on = (signal: StopSignal) => () => {
    if (received !== undefined) {
      o.note(`${signal} again: exiting without a clean stop`);
      exit(1);
      return;
    }
    received = signal;
    o.note(`${signal} received, stopping…`);
    resolveFirst(signal);
  };
  const onInt = on("SIGINT");
  const onTerm = on("SIGTERM");
  source.on("SIGINT", onInt);
  source.on("SIGTERM", onTerm);
  return {
    get received() {
      return received;
    },
    first,
    dispose() {
      source.off("SIGINT", onInt);
      source.off("SIGTERM", onTerm);
    },
  };
}
