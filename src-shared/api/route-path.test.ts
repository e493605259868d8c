import { describe, expect, it } from 'vitest';
import { routes } from './contract';
import { fromHttpRequest, pathParamNames, toHttpRequest } from './route-path';

describe('route paths', () => {
  it('fills path params and sends the rest as query for GET', () => {
    expect(pathParamNames(routes.getPlugin.path)).toEqual(['kind', 'name']);
    expect(toHttpRequest(routes.getPlugin, { kind: 'input', name: 'a b/c' })).toEqual({
      method: 'GET',
      url: '/plugins/input/a%20b%2Fc',
    });
    expect(toHttpRequest(routes.listExecutions, { job_id: 'j1', limit: 5, extra: undefined })).toEqual({
      method: 'GET',
      url: '/executions?job_id=j1&limit=5',
    });
  });

  it('sends non-path fields as a JSON body otherwise', () => {
    expect(toHttpRequest(routes.updateJob, { id: 'j1', name: 'n' })).toEqual({
      method: 'PUT',
      url: '/jobs/j1',
      body: { name: 'n' },
    });
    expect(toHttpRequest(routes.startJob, { id: 'j1' })).toEqual({
      method: 'POST',
      url: '/jobs/j1/start',
      body: {},
    });
  });

  it('rebuilds the input on the server, path params winning', () => {
    expect(
      fromHttpRequest(routes.updateJob, { params: { id: 'j1' }, body: { id: 'other', name: 'n' } }),
    ).toEqual({
      id: 'j1',
      name: 'n',
    });
    expect(
      fromHttpRequest(routes.listExecutions, { params: {}, query: { limit: '5' }, body: { ignored: 1 } }),
    ).toEqual({
      limit: '5',
    });
    expect(fromHttpRequest(routes.createJob, { body: null })).toEqual({});
  });
});
