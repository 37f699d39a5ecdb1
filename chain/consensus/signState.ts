/**
 * The last message this validator signed (CometBFT's FilePVLastSignState), written and
 * fsynced BEFORE a signature is released, so that a restart can never sign two different
 * messages at one height/round/step. Asked again for the same message (only the timestamp
 * differing), it returns the saved signature and timestamp, as CometBFT's privval does.
 *
 * The fsyncs and the rename run on libuv's thread pool: a sync write blocked the event loop
 * for ~2 ms per signature on a loaded disk (5% of a busy node's main thread), time in which
 * CheckTx, receipts and RPC now go on. Signing is serialized: a second request waits until
 * the first is durable, and is judged against it.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  fsync,
  ftruncateSync,
  openSync,
  readFileSync,
  rename,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import type { Timestamp } from "../types/abci.js";
import { equalBytes } from "../types/bytes.js";
import type { Proposal, Vote } from "../types/block.js";
import { proposalSignBytes, voteSignBytes } from "./encoding.js";
import { consensusErrors } from "./errors.js";
import { fromJson, toJson } from "./jsonCodec.js";

/** privval steps: 1 propose, 2 prevote, 3 precommit. */
export type SignStep = 0 | 1 | 2 | 3;

export interface LastSignState {
  height: bigint;
  round: number;
  step: SignStep;
  signBytes: Uint8Array;
  signature: Uint8Array;
  timestamp: Timestamp;
}

export interface SignResult {
  signature: Uint8Array;
  /** The timestamp actually signed (the saved one when re-signing the same message). */
  timestamp: Timestamp;
  signBytes: Uint8Array;
}

export interface SignStateStore {
  /** The last signature that is durable. */
  readonly last: LastSignState | undefined;
  /** Releases the files kept open for the next write (once a write in flight has ended). */
  close(): void;
  /** Resolves once the signature is durable; rejects with a refusal or a write error, and then nothing was signed. */
  signVote(
    chainId: string,
    vote: Omit<Vote, "signature" | "validatorAddress" | "validatorIndex">,
    sign: (bytes: Uint8Array) => Uint8Array,
  ): Promise<SignResult>;
  signProposal(
    chainId: string,
    proposal: Omit<Proposal, "signature">,
    sign: (bytes: Uint8Array) => Uint8Array,
  ): Promise<SignResult>;
}

const fsyncAsync = promisify(fsync);
const renameAsync = promisify(rename);

/**
 * Writes the state file as temp-file-then-rename, fsynced, with mode 0600 at every write.
 * The directory and the next temp file are opened ahead of time, so that a signature needs
 * no new file descriptor: under fd exhaustion (EMFILE) signing still works, and only the
 * re-opening of the next spare can fail, which is retried before the next write.
 *
 * The spares alternate between two names (`.tmp` and `.tmp1`): the next one is opened before
 * the current one is closed and renamed, so the rename can run on libuv's thread pool (it
 * blocked the event loop for 0.3–1 ms per signature on the loaded localnet, waiting on the
 * file system's journal) while a spare is always open.
 */
class DurableFile {
  private dirFd: number | undefined;
  private spare: { fd: number; path: string } | undefined;
  private readonly tmps: readonly [string, string];
  /** Which of `tmps` the next spare is opened as. */
  private next = 0;

  constructor(private readonly path: string) {
    this.tmps = [`${path}.tmp`, `${path}.tmp1`];
    try {
      this.prepare();
    } catch {
      // Raised by the first write instead, where the driver retries it.
    }
  }

  /** Opens what the next write needs; an error is left for `write` to raise. */
  prepare(): void {
    this.dirFd ??= openSync(dirname(this.path), "r");
    if (this.spare === undefined) {
      const path = this.tmps[this.next]!;
      const fd = openSync(path, "w", 0o600);
      fchmodSync(fd, 0o600);
      this.spare = { fd, path };
      this.next = 1 - this.next;
    }
  }

  /** Not while a write is in flight (its fsync must not land on a reused descriptor number). */
  close(): void {
    for (const fd of [this.spare?.fd, this.dirFd]) if (fd !== undefined) closeSync(fd);
    this.spare = undefined;
    this.dirFd = undefined;
  }

  /** One at a time (openSignState serializes them). */
  async write(text: string): Promise<void> {
    if (this.spare === undefined || this.dirFd === undefined) this.prepare();
    const { fd, path } = this.spare!;
    this.spare = undefined;
    try {
      ftruncateSync(fd, 0);
      writeSync(fd, text, 0);
      await fsyncAsync(fd);
      // The next spare (under the other name) is open before this one is closed and renamed.
      try {
        this.prepare();
      } catch {
        // Retried by the next write.
      }
    } finally {
      closeSync(fd);
    }
    await renameAsync(path, this.path);
    await fsyncAsync(this.dirFd!);
  }
}

export function openSignState(path: string): SignStateStore {
  let last: LastSignState | undefined;
  if (existsSync(path)) {
    try {
      last = fromJson<LastSignState>(readFileSync(path, "utf8"));
    } catch {
      throw consensusErrors.signStateCorrupted(path);
    }
    // A file left 0644 by an older version is tightened: it holds what we signed last.
    chmodSync(path, 0o600);
  }
  const file = new DurableFile(path);
  /** The signature being made durable: the next request is judged after it. */
  let busy: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let closed = false;

  /** Runs one signing after those asked before it (each judged against the last durable one). */
  function serialized(run: () => Promise<SignResult>): Promise<SignResult> {
    if (closed) return Promise.reject(new Error(`sign state ${path} is closed`));
    pending++;
    const result = busy.then(run);
    const done = () => void pending--;
    busy = result.then(done, done);
    return result;
  }

  async function sign(
    height: bigint,
    round: number,
    step: SignStep,
    bytesWith: (t: Timestamp) => Uint8Array,
    timestamp: Timestamp,
    signer: (b: Uint8Array) => Uint8Array,
  ): Promise<SignResult> {
    const signBytes = bytesWith(timestamp);
    if (last !== undefined) {
      const regression =
        height < last.height ||
        (height === last.height && (round < last.round || (round === last.round && step < last.step)));
      if (regression)
        throw consensusErrors.signRegression(
          `asked ${height}/${round}/${step}, last ${last.height}/${last.round}/${last.step}`,
        );
      if (height === last.height && round === last.round && step === last.step) {
        // Same HRS: only the very same message (timestamp aside) may be signed, and it gets the old signature.
        if (equalBytes(bytesWith(last.timestamp), last.signBytes)) {
          return { signature: last.signature, timestamp: last.timestamp, signBytes: last.signBytes };
        }
        throw consensusErrors.conflictingSignature(`at ${height}/${round}/${step}`);
      }
    }
    const signature = signer(signBytes);
    const next: LastSignState = { height, round, step, signBytes, signature, timestamp };
    await file.write(toJson(next));
    last = next;
    return { signature, timestamp, signBytes };
  }

  return {
    get last() {
      return last;
    },
    // Requests made before close still end (durable or refused); the files close after them.
    close() {
      if (closed) return;
      closed = true;
      if (pending === 0) file.close();
      else void busy.then(() => file.close());
    },
    signVote(chainId, vote, signer) {
      const step: SignStep = vote.type === 1 ? 2 : 3;
      return serialized(() =>
        sign(
          vote.height,
          vote.round,
          step,
          (t) => voteSignBytes(chainId, { ...vote, timestamp: t }),
          vote.timestamp,
          signer,
        ),
      );
    },
    signProposal(chainId, proposal, signer) {
      return serialized(() =>
        sign(
          proposal.height,
          proposal.round,
          1,
          (t) => proposalSignBytes(chainId, { ...proposal, timestamp: t }),
          proposal.timestamp,
          signer,
        ),
      );
    },
  };
}
