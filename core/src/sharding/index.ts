export { localFreeBytes } from './local-free-bytes.js';
export type { Placement, RebalanceMove, RebalancePlan, RebalanceRoute, RebalanceShardTotals } from './rebalance.js';
export { rendezvousHash, rendezvousScore } from './rendezvous.js';
export {
  isValidShardName,
  type PlacementStrategy,
  type ResolvedShardDescriptor,
  type ShardDescriptor,
  type ShardRouterOptions,
} from './shard-options.js';
export { createShardRouter, type ShardRouter } from './shard-router.js';
