export { startRpcServer, parseLaddr, type RpcServer, type RpcServerOptions, type RpcLogger } from "./server.js";
export * from "./services.js";
export { rpcErrors } from "./errors.js";
