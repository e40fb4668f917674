export * from "./types.ts";
export * from "./importSettings.ts";
export * from "./kuboStore.ts";
export * from "./cid.ts";
