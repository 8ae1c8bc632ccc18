/** An error with an HTTP status and a message that is safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const badRequest = (message: string, issues?: Array<{ path: string; message: string }>) =>
  new HttpError(400, message, issues);
export const unauthorized = (message = "invalid or missing credential") => new HttpError(401, message);
export const notFound = (message: string) => new HttpError(404, message);
export const payloadTooLarge = (limit: number) => new HttpError(413, `request body exceeds ${limit} bytes`);
export const serviceUnavailable = (message: string) => new HttpError(503, message);
