import { parentPort } from 'node:worker_threads';
import { type ConversionJob, runJob } from './jobs.js';

/** A job as the pool posts it, and the answer the worker posts back under the same id. */
export interface JobMessage {
  readonly id: number;
  readonly job: ConversionJob;
}
export type AnswerMessage =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly message: string };
/** Posted once the worker has loaded the converter and listens for jobs. */
export interface ReadyMessage {
  readonly ready: true;
}

// The entry of each conversion worker thread (see pool.ts): runs one job at a time, posting back its result or
// the error's message (a conversion never throws by contract; this only guards a bug from killing the thread).
parentPort?.on('message', (message: JobMessage) => {
  let answer: AnswerMessage;
  try {
    answer = { id: message.id, ok: true, result: runJob(message.job) };
  } catch (error) {
    answer = { id: message.id, ok: false, message: (error as Error).message };
  }
  parentPort?.postMessage(answer);
});
parentPort?.postMessage({ ready: true } satisfies ReadyMessage);
