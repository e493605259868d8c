import { describe, expect, it } from 'vitest';
import { retryDelaySeconds, retryPolicyOf } from './retry-policy';

describe('retry policy', () => {
  it('reads job.retry with its defaults', () => {
    expect(retryPolicyOf('version: 1\n')).toEqual({ attempts: 0, delaySeconds: 30, maxDelaySeconds: 900 });
    expect(retryPolicyOf('job:\n  retry: { attempts: 3, delay_seconds: 5 }\n')).toEqual({
      attempts: 3,
      delaySeconds: 5,
      maxDelaySeconds: 900,
    });
    expect(retryPolicyOf('job: [not, a, map')).toMatchObject({ attempts: 0 });
  });

  it('doubles the wait after each failed attempt, up to the cap', () => {
    const policy = { attempts: 5, delaySeconds: 30, maxDelaySeconds: 100 };
    expect([1, 2, 3, 4].map((attempt) => retryDelaySeconds(policy, attempt))).toEqual([30, 60, 100, 100]);
  });
});
