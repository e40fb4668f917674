export * from "./digests.ts";
export * from "./reportCipher.ts";
export * from "./keyWrap.ts";
export * from "./identity.ts";
export * from "./sealedBox.ts";
