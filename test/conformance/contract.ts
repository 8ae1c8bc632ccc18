import type { Platform } from "../../lib/platforms/platform";
import type { Runtime } from "../../lib/runtime";

/**
 * What a platform tells the conformance suite (test/conformance/conformance.test.ts) about each of its endpoints:
 * how to authenticate a raw body, a valid request, how to forge a credential, wrong-typed variants of its fields,
 * and the exceptions it declares. One file per platform, `test/conformance/platforms/<id>.ts`, exporting
 * `conformance = defineConformance(<platform>, { … })`; the suite fails for a registered platform without one.
 */

export interface ConformanceContext {
  /** The runtime the platform's handlers see: seed here what a valid request acts on. */
  rt: Runtime;
  /** The loopback API Gateway serving every route of the platform (e.g. to log in first). */
  url: string;
  /** A new id on every call, so that each valid request is new to the store. */
  unique(prefix: string): string;
}

/** A request body: a JSON value (the suite serialises it) or text sent byte for byte. */
export type RawOrJson = unknown;

export interface ValidRequest {
  /** A JSON value, or a string sent as is (e.g. TwoWay's handover template, which is text). */
  body: RawOrJson;
  /** Values of the route's `{name}` segments. */
  params?: Readonly<Record<string, string>>;
}

/** A forged or missing credential: headers instead of the signed ones, and/or another body (a login's credential is in it). */
export interface Forgery {
  headers?: Record<string, string>;
  body?: RawOrJson;
  /** A query string, without `?` (e.g. TwoWay's `secret=…`, for the router's events UI that has no header section). */
  query?: string;
}

type MaybePromise<T> = T | Promise<T>;

export interface EndpointConformance {
  /** The headers that authenticate these exact bytes (a signature over them, a shared secret, a token). */
  sign(raw: Buffer, ctx: ConformanceContext): MaybePromise<Record<string, string>>;
  /**
   * Wrong credentials for these bytes, by name. Each must be refused (401, or 400 with `credential: "none-login"`)
   * with a JSON `error` and change nothing. A request without any credential header is tried besides these.
   */
  forge(raw: Buffer, ctx: ConformanceContext): MaybePromise<Record<string, Forgery>>;
  /** A new valid request (new ids; it may seed the state it acts on): answered `status`, and it changes the store. */
  valid(ctx: ConformanceContext): MaybePromise<ValidRequest>;
  /** The answer to a valid request. */
  status: number;
  /**
   * Variants of a valid body with the wrong JSON type in the platform's fields, by name: each gets a JSON 4xx and
   * stores nothing. At least one, unless `fields: "free-form"`.
   */
  wrongTypes(valid: RawOrJson): Record<string, RawOrJson>;
  /**
   * Paths (dot-separated, e.g. `text`) of string fields left out of the 420 KB-string check: values handed to the
   * bot as given, which a bot may store (a session over DynamoDB's item size is a bot bug: 500 by design).
   */
  unboundedFields?: readonly string[];
  /** "free-form": any JSON object is a valid body (e.g. a debug report kept as sent), so no field can have a wrong type. */
  fields?: "typed" | "free-form";
  /**
   * "header" (default): a missing or forged credential is a 401. "none-login": the endpoint hands out credentials,
   * so it has none of its own; a wrong one in the body is refused as the vendor does (Botpress v12: 400, no token).
   */
  credential?: "header" | "none-login";
  /**
   * "deduplicated" (default): a redelivery gets the same answer and changes nothing more. "logged-again": the same
   * answer, the sessions table unchanged, and the events table gains only copies of what the first delivery logged
   * there. "not-deduplicated": the platform sends no id to recognise one by, so a redelivery is a new request (same
   * status). "stateless": a valid request stores nothing at all.
   */
  redelivery?: "deduplicated" | "logged-again" | "not-deduplicated" | "stateless";
  /** Why, whenever an exception is declared above (shown in the tests' names; required). */
  why?: string;
}

export interface PlatformConformance<P extends Platform = Platform> {
  /** Settings the platform's runtime needs in these tests (e.g. LivePerson's LP_*), on top of the local defaults. */
  env?: Record<string, string>;
  /** One entry per endpoint of the descriptor: the compiler names a missing one. */
  endpoints: { readonly [K in keyof P["endpoints"] & string]: EndpointConformance };
}

/** Ties a conformance file to its descriptor, so that every endpoint must be described. */
export const defineConformance = <P extends Platform>(_platform: P, conformance: PlatformConformance<P>): PlatformConformance => conformance as PlatformConformance;
