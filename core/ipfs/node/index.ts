export * from "./heliaStore.ts";
export * from "./kuboRpcServer.ts";
