import type { WebhookEvent } from "../http/middlewares";
import type { HttpResult } from "../http/responses";
import type { JobHandler } from "../jobs/worker";
import type { Runtime } from "../runtime";
import type { SettingsSource } from "./platform-settings";

/**
 * What a platform folder exports (its `platform.ts`): everything the rest of the project needs to know of it.
 * serverless.yml's functions and outputs, `npm start`'s endpoint table, the job worker's handlers, the
 * package test's lists and the tools' platform lists are all read from the registry of these
 * (lib/platforms/registry.ts), so adding a platform is its folder, its function files and one registry line.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface Endpoint {
  /** One line for people: the endpoint table of `npm start` and the stack output's description. */
  description: string;
  /** `METHOD /path` as API Gateway routes it, e.g. `POST /bm/webhook` or `GET /engage/{action}`. */
  routes: readonly `${HttpMethod} /${string}`[];
  /** The CloudFormation output that gives the deployed URL (of the first route). */
  output?: string;
  /** Settings of its slice this endpoint needs besides the platform's secrets, on a deployed stage (checked like them, after the credential). */
  requires?: readonly string[];
  /** The credential check on the raw request: throws 401. Runs after the shared secrets guard. */
  verify(rt: Runtime, event: WebhookEvent): void;
  handle(rt: Runtime, event: WebhookEvent): Promise<HttpResult>;
}

export interface Platform {
  /** Short id: log field, session key prefix, function names (`functions/<id>-<endpoint>.ts`). */
  id: string;
  /** Name in error bodies ("… is not configured on this stage") and tables. */
  name: string;
  /** A channel has conversations of its own (sessions, `npm run chat`); a desk serves humans behind a handover. */
  role: "channel" | "desk";
  /** Settings without which no request is let in on a deployed stage (503 and a log line naming them). */
  secrets: readonly string[];
  /**
   * The platform's own settings slice (`<platform>/settings.ts`: its zod schema over rt.env, with its local
   * defaults; lib/config.ts holds only the core): the secrets above and the endpoints' `requires` are looked up
   * there, and an invalid value is a 503 naming it. `npm start` validates every slice before it starts.
   */
  settings: ((rt: SettingsSource) => Readonly<Record<string, unknown>> & { readonly invalid: readonly string[] }) & { readonly names: readonly string[] };
  /** Local-stage defaults of its own secrets: `npm start`'s table, the stack file, the tools and the tests. */
  localSecrets: Readonly<Record<string, string>>;
  endpoints: Readonly<Record<string, Endpoint>>;
  /**
   * The job kinds it enqueues. Their handlers live in `<platform>/jobs.ts` and are listed in lib/jobs/handlers.ts,
   * which only the job worker imports: neither an endpoint's bundle nor the worker's carries the other's code.
   * A test checks that every kind named here has its handler.
   */
  jobKinds?: readonly string[];
  /**
   * How its users are reached out of band (a desk agent's message, a late answer), when they can be: its relay, listed
   * in lib/platforms/relay.ts (only the worker needs it). Synchronous platforms have none: such messages are recorded.
   * A test checks that the relay list and these declarations agree.
   */
  outOfBand?: "relay";
}

/** What a platform's `jobs.ts` exports: its job handlers by kind. */
export type PlatformJobs = Readonly<Record<string, JobHandler>>;

/** Checks the shape at compile time and keeps the literal types (endpoint names) for endpointHandler. */
export const definePlatform = <P extends Platform>(platform: P): P => platform;

/** `bm` + `webhook` → the function name `bmWebhook`, file `functions/bm-webhook.ts`. */
export const functionName = (platform: Pick<Platform, "id">, endpoint: string): string =>
  `${platform.id}-${endpoint}`.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export const functionFile = (platform: Pick<Platform, "id">, endpoint: string): string => `functions/${platform.id}-${endpoint}.ts`;
