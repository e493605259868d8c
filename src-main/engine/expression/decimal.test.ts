import { describe, expect, it } from 'vitest';
import {
  addText,
  compareText,
  DecimalError,
  divideText,
  divisionScale,
  format,
  moduloText,
  multiplyText,
  readText,
  result,
  roundText,
  subtractText,
} from './decimal';

const read = (text: string) => (readText(text) ? [result.unscaled, result.scale] : undefined);

describe('reading and writing decimals', () => {
  it.each([
    ['19.99', [1999, 2]],
    ['-0.50', [-50, 2]],
    [' 42 ', [42, 0]],
    ['+7.', [7, 0]],
    ['.5', [5, 1]],
    ['1.5e3', [1500, 0]],
    ['25e-3', [25, 3]],
    ['000123.4500', [1234500, 4]],
  ])('%s reads as unscaled %o', (text, expected) => {
    expect(read(text)).toEqual(expected);
  });

  it.each(['', 'abc', '1.2.3', '--1', '1e', '.', '12a', '1 2'])('%o is not a number', (text) => {
    expect(readText(text)).toBe(false);
  });

  it('keeps every digit of values beyond 2^53 (as BigInt)', () => {
    expect(read('123456789012345678901234567890.123')).toEqual([123456789012345678901234567890123n, 3]);
    expect(format(123456789012345678901234567890123n, 3)).toBe('123456789012345678901234567890.123');
  });

  it('writes exactly `scale` digits after the point', () => {
    expect(format(1999, 2)).toBe('19.99');
    expect(format(5, 3)).toBe('0.005');
    expect(format(-5, 3)).toBe('-0.005');
    expect(format(0, 2)).toBe('0.00');
    expect(format(120, 0)).toBe('120');
  });
});

describe('arithmetic is exact, with PostgreSQL result scales', () => {
  it.each([
    // + and -: the larger scale
    ['add', '0.1', '0.2', '0.3'],
    ['add', '1.5', '2.25', '3.75'],
    ['add', '0.10', '0.2', '0.30'],
    ['subtract', '1', '0.001', '0.999'],
    ['subtract', '-1.5', '-1.5', '0.0'],
    // ×: the sum of the scales
    ['multiply', '19.99', 2, '39.98'],
    ['multiply', '1.10', '1.1', '1.210'],
    ['multiply', '-0.5', '0.5', '-0.25'],
    // ÷: at least 16 significant digits, at least either input's scale
    ['divide', '1', '3', '0.33333333333333333333'],
    ['divide', '10', '4', '2.5000000000000000'],
    ['divide', '100', '7.00', '14.2857142857142857'],
    ['divide', '0.001', '3', '0.00033333333333333333'],
    ['divide', '123456789.123', '0.0007', '176366841604.28571429'],
    ['divide', '-1', '7', '-0.14285714285714285714'],
    ['divide', '2', '3', '0.66666666666666666667'], // half away from zero in the last digit
    // MOD: sign of the dividend, the larger scale
    ['modulo', '12.50', '3', '0.50'],
    ['modulo', '-7.5', '2', '-1.5'],
    ['modulo', '7', '-3', '1'],
  ])('%s(%s, %s) = %s', (name, a, b, expected) => {
    const operation = {
      add: addText,
      subtract: subtractText,
      multiply: multiplyText,
      divide: divideText,
      modulo: moduloText,
    }[name];
    expect(operation?.(a, b)).toBe(expected);
  });

  it('multiplies past 2^53 without rounding', () => {
    expect(multiplyText('99999999999.99', '99999999999.99')).toBe('9999999999998000000000.0001');
    expect(addText('9007199254740993', '1')).toBe('9007199254740994');
    expect(multiplyText(12345678901234567890n, '0.5')).toBe('6172839450617283945.0');
  });

  it('computes the division scale from the operands as select_div_scale does', () => {
    expect(divisionScale(1, 0, 3, 0)).toBe(20);
    expect(divisionScale(10, 0, 4, 0)).toBe(16);
    // small quotients get more decimals, so 16 significant digits remain
    expect(divisionScale(1, 25, 1, 0)).toBe(44);
    // an input with more decimals than that keeps its scale: 1.000000000000000000000000 / 3
    expect(divisionScale(10n ** 24n, 24, 3, 0)).toBe(24);
  });

  it('throws on division by zero (the engine reports it for the row)', () => {
    expect(() => divideText('1', '0')).toThrow(DecimalError);
    expect(() => divideText('1', '0.000')).toThrow('division by zero');
    expect(() => moduloText('1', '0')).toThrow('division by zero');
  });
});

describe('rounding', () => {
  it.each([
    ['2.345', 2, '2.35'],
    ['2.5', 0, '3'],
    ['-2.5', 0, '-3'],
    ['-2.345', 2, '-2.35'],
    ['1.005', 2, '1.01'],
    ['19.9', 3, '19.900'],
    ['1250', -2, '1300'],
    ['-1249.99', -2, '-1200'],
    ['0.0004', 3, '0.000'],
    ['99999999999999999999.5', 0, '100000000000000000000'],
  ])('ROUND(%s, %i) = %s (half away from zero)', (value, digits, expected) => {
    expect(roundText(value, digits)).toBe(expected);
  });
});

describe('comparison', () => {
  it('orders by value, not by text or scale', () => {
    expect(compareText('19.90', '19.9')).toBe(0);
    expect(compareText('-1', '0.5')).toBeLessThan(0);
    expect(compareText('100', '99.999')).toBeGreaterThan(0);
    expect(compareText('0.30000000000000000001', 0.3)).toBeGreaterThan(0);
    expect(compareText(12345678901234567891n, '12345678901234567890.5')).toBeGreaterThan(0);
  });
});
