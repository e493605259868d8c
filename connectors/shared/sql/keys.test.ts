import { describe, expect, it } from 'vitest';
import { hasRepeatedKeys } from './keys';

describe('hasRepeatedKeys', () => {
  it('finds two rows with one key, as the database would compare them', () => {
    expect(hasRepeatedKeys([[1], [2], [3]], [0])).toBe(false);
    expect(hasRepeatedKeys([[1], [2], [1]], [0])).toBe(true);
    // A bigint and a number with the same value are one key; '1' the string is another.
    expect(hasRepeatedKeys([[1n], [1]], [0])).toBe(true);
    expect(hasRepeatedKeys([['1'], [1]], [0])).toBe(false);
    expect(hasRepeatedKeys([[new Date(5)], [new Date(5)]], [0])).toBe(true);
    expect(hasRepeatedKeys([[Buffer.from([1])], [Buffer.from([1])]], [0])).toBe(true);
  });

  it('never matches NULL keys, and compares composite keys whole', () => {
    expect(hasRepeatedKeys([[null], [null], [undefined]], [0])).toBe(false);
    expect(
      hasRepeatedKeys(
        [
          ['a', 1, 'x'],
          ['a', 2, 'x'],
          ['b', 1, 'x'],
        ],
        [0, 1],
      ),
    ).toBe(false);
    expect(
      hasRepeatedKeys(
        [
          ['a', 1, 'x'],
          ['a', 1n, 'y'],
        ],
        [0, 1],
      ),
    ).toBe(true);
    expect(
      hasRepeatedKeys(
        [
          ['a', null],
          ['a', null],
        ],
        [0, 1],
      ),
    ).toBe(false);
    // The separator cannot be forged by the values.
    expect(
      hasRepeatedKeys(
        [
          ['a\u0000string:b', 'c'],
          ['a', 'b\u0000string:c'],
        ],
        [0, 1],
      ),
    ).toBe(false);
  });
});
