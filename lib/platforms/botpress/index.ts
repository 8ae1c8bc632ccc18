/** Botpress v12 (Business Messenger's "Botpress" integration type): the platform's public surface. */
export * from "./settings";
export * from "./jwt";
export * from "./schema";
export * from "./inbound";
export * from "./render";
export * from "./webhook";
