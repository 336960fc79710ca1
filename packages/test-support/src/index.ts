export { scriptArgs, startChild, startScript, type LoggedChild, type LoggedChildOptions } from './childProcesses.js';
export { freshNamespace } from './names.js';
export { freePort, startCluster, startRedis, waitForPing, type StartRedisOptions, type TestCluster, type TestRedis } from './redisServer.js';
export { useTestRedis, type DisconnectableClient, type TestRedisContext } from './useTestRedis.js';
export { waitFor } from './waitFor.js';
export { startTcpProxy, type TcpProxy, type TcpProxyOptions } from './tcpProxy.js';
