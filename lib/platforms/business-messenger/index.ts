/** HORISEN Business Messenger (Conversation API, Custom adapter): the platform's public surface. */
export * from "./verify";
export * from "./schema";
export * from "./inbound";
export * from "./limits";
export * from "./sms-encoding";
export * from "./text";
export * from "./render";
