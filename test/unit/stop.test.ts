// The engine's cheap abort signals (engine/stop.ts): a run's stop follows the caller's AbortSignal and the time
// limit, each listener is called once, released stops listen, and untilStopped gives up on work at the abort.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RunStop, Stop, untilStopped } from '../../server/src/engine/stop';

const message = (ms: number) => `over ${ms} ms`;

describe('engine stop signals', () => {
  it('calls each listener once, function or handleEvent object; removed ones and late ones never', () => {
    const stop = new Stop();
    const calls: string[] = [];
    const fn = () => calls.push('fn');
    const gone = () => calls.push('gone');
    const obj = { handleEvent: () => calls.push('obj') };
    stop.addEventListener('abort', fn);
    stop.addEventListener('abort', gone);
    stop.addEventListener('abort', () => {
      throw new Error('a failing listener');
    });
    stop.addEventListener('abort', obj);
    stop.removeEventListener('abort', gone);
    stop.abort('why');
    stop.abort('again');
    stop.addEventListener('abort', () => calls.push('late'));
    assert.deepEqual(calls, ['fn', 'obj']);
    assert.equal(stop.aborted, true);
    assert.equal(stop.reason, 'why');
  });

  it("a run's stop aborts with the caller's signal, and no longer listens once released", () => {
    const ac = new AbortController();
    const stop = new RunStop(ac.signal, 60_000, message);
    ac.abort('cancel');
    assert.equal(stop.aborted, true);
    assert.equal(stop.reason, 'cancel');
    assert.equal(stop.overTime, false);
    stop.release();

    const ac2 = new AbortController();
    const released = new RunStop(ac2.signal, 60_000, message);
    released.release();
    ac2.abort();
    assert.equal(released.aborted, false);

    const ac3 = new AbortController();
    ac3.abort('early');
    const already = new RunStop(ac3.signal, 60_000, message);
    assert.equal(already.aborted, true);
    assert.equal(already.reason, 'early');
    already.release();
  });

  it("a run's stop aborts at its time limit, marked over time", async () => {
    const stop = new RunStop(undefined, 20, message);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(stop.aborted, true);
    assert.equal(stop.overTime, true);
    assert.equal((stop.reason as Error).message, 'over 20 ms');
    stop.release();
  });

  it('untilStopped gives the work result, or the stopped value at the abort without waiting for the work', async () => {
    const stop = new Stop();
    const failed = (err: unknown) => (err as Error).message.length;
    assert.equal(await untilStopped(Promise.resolve(1), stop, 0, failed), 1);
    assert.equal(await untilStopped(Promise.reject(new Error('four')), stop, 0, failed), 4);
    const never = new Promise<number>(() => {});
    const waiting = untilStopped(never, stop, -1, failed);
    stop.abort();
    assert.equal(await waiting, -1);
    assert.equal(await untilStopped(Promise.resolve(2), stop, -1, failed), -1);
    assert.equal(await untilStopped(Promise.reject(new Error('late')), stop, -1, failed), -1);
  });
});
