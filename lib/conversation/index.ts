export * from "./inbound";
export * from "./outbound";
export * from "./bot-reply";
export * from "./build";
export * from "./text";
export * from "./text-fallback";
export * from "./exhaustive";
