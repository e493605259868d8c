/** Error codes the API returns, each with the HTTP status that fits it. */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_config: 422,
  not_found: 404,
  conflict: 409,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Thrown by services and rethrown by every client, whatever the transport. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ApiErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromBody(body: unknown): ApiError {
    const b = (body ?? {}) as Partial<ApiErrorBody>;
    const code = b.code && b.code in ERROR_STATUS ? b.code : 'internal';
    return new ApiError(code, typeof b.message === 'string' ? b.message : 'unknown error', b.details);
  }

  /**
   * Recovers an ApiError from an error message that carries its JSON body, as IPC delivers
   * it: Electron keeps only an error's message and prefixes it with its own text.
   */
  static fromMessage(message: string): ApiError {
    const start = message.indexOf('{');
    if (start >= 0) {
      try {
        return ApiError.fromBody(JSON.parse(message.slice(start)));
      } catch {
        // Not our JSON: fall through to a plain internal error.
      }
    }
    return new ApiError('internal', message);
  }
}
