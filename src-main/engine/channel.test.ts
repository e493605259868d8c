import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Channel, ChannelClosedError } from './channel';

describe('Channel', () => {
  it('keeps at most `capacity` items in flight while a fast producer outruns a slow consumer', async () => {
    const capacity = 4;
    const channel = new Channel<number[]>(capacity);
    const total = 10_000;
    let sent = 0;
    let received = 0;
    let maxInFlight = 0;
    let maxBuffered = 0;
    const heapBefore = process.memoryUsage().heapUsed;

    const producer = (async () => {
      for (let i = 0; i < total; i++) {
        // A batch of 1,000 rows' worth of numbers: 10,000 of them held at once would be ~80 MB.
        await channel.send(new Array<number>(1000).fill(i));
        sent++;
        maxInFlight = Math.max(maxInFlight, sent - received);
        maxBuffered = Math.max(maxBuffered, channel.size);
      }
      channel.close();
    })();
    let order = 0;
    let ordered = true;
    for await (const batch of channel) {
      received++;
      if (batch[0] !== order++) ordered = false;
      if (received % 100 === 0) await nextMacrotask();
    }
    await producer;
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    expect(received).toBe(total);
    expect(ordered).toBe(true);
    expect(maxBuffered).toBe(capacity);
    // Sent but not yet counted by the consumer: the buffer plus the one being handed over.
    expect(maxInFlight).toBeLessThanOrEqual(capacity + 1);
    expect(heapGrowth).toBeLessThan(40 * 1024 * 1024);
  });

  it('delivers what is buffered after close, then ends; sending after close rejects', async () => {
    const channel = new Channel<string>(3);
    await channel.send('a');
    await channel.send('b');
    channel.close();
    await expect(channel.send('c')).rejects.toBeInstanceOf(ChannelClosedError);
    const items: string[] = [];
    for await (const item of channel) items.push(item);
    expect(items).toEqual(['a', 'b']);
  });

  it('ends a waiting receiver when closed', async () => {
    const channel = new Channel<number>(1);
    const next = channel.receive();
    channel.close();
    await expect(next).resolves.toEqual({ value: undefined, done: true });
  });

  it('fail rejects the consumer and a blocked producer with the error', async () => {
    const channel = new Channel<number>(1);
    await channel.send(1);
    const blocked = channel.send(2);
    const boom = new Error('source went away');
    channel.fail(boom);
    await expect(blocked).rejects.toBe(boom);
    const consume = async () => {
      for await (const _ of channel) {
        /* drain */
      }
    };
    await expect(consume()).rejects.toBe(boom);
  });

  it('an aborted channel signal unblocks waiting sends and receives', async () => {
    const controller = new AbortController();
    const full = new Channel<number>(1, { signal: controller.signal });
    const empty = new Channel<number>(1, { signal: controller.signal });
    await full.send(1);
    const send = full.send(2);
    const receive = empty.receive();
    controller.abort(new Error('cancelled'));
    await expect(send).rejects.toThrow('cancelled');
    await expect(receive).rejects.toThrow('cancelled');
    await expect(full.send(3)).rejects.toThrow('cancelled');
  });

  it('a per-call signal cancels only that wait', async () => {
    const channel = new Channel<number>(1);
    await channel.send(1);
    const controller = new AbortController();
    const send = channel.send(2, controller.signal);
    controller.abort(new Error('gave up'));
    await expect(send).rejects.toThrow('gave up');
    // The abandoned item never entered the channel; the channel still works.
    await expect(channel.receive()).resolves.toEqual({ value: 1, done: false });
    await channel.send(3);
    await expect(channel.receive()).resolves.toEqual({ value: 3, done: false });
  });

  it('stops the producer when the consumer leaves early', async () => {
    const channel = new Channel<number>(2);
    const producer = (async () => {
      for (let i = 0; ; i++) await channel.send(i);
    })();
    for await (const item of channel) {
      if (item === 5) break;
    }
    await expect(producer).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it('hands an item straight to a waiting receiver', async () => {
    const channel = new Channel<string>(1);
    const next = channel.receive();
    await sleep(1);
    await channel.send('x');
    expect(channel.size).toBe(0);
    await expect(next).resolves.toEqual({ value: 'x', done: false });
  });

  it('reports how long a blocked send and a starved receive waited, and nothing for those that did not wait', async () => {
    const sendWaits: number[] = [];
    const receiveWaits: number[] = [];
    const channel = new Channel<number>(1, {
      onSendWait: (ms) => sendWaits.push(ms),
      onReceiveWait: (ms) => receiveWaits.push(ms),
    });
    await channel.send(1); // buffered: no wait
    const blocked = channel.send(2);
    await sleep(30);
    await channel.receive(); // frees the sender, which waited about 30 ms
    await blocked;
    await channel.receive(); // buffered: no wait
    const starved = channel.receive();
    await sleep(20);
    await channel.send(3);
    await starved;
    expect(sendWaits).toHaveLength(1);
    expect(sendWaits[0]).toBeGreaterThanOrEqual(25);
    expect(receiveWaits).toHaveLength(1);
    expect(receiveWaits[0]).toBeGreaterThanOrEqual(15);
  });

  it('rejects a capacity below one', () => {
    expect(() => new Channel(0)).toThrow(RangeError);
  });
});
