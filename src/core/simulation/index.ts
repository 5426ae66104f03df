/**
 * The deterministic call-centre floor simulator: Asterisk `queue_log` lines for tests, benchmarks,
 * `callfloor simulate` and the server's demo floor. Pure (no I/O, no clock, no `Math.random`).
 */
export { generate, createLiveSimulator } from './generate.js';
export type {
  GenerateOptions,
  SimulatedLog,
  LiveSimulator,
  LiveSimulatorOptions,
} from './generate.js';
export type { GroundTruth, QueueTruth, AgentTruth } from './floor-simulator.js';
export {
  DEFAULT_QUEUES,
  DEFAULT_AGENT_COUNT,
  PAUSE_REASONS,
  type SimQueueConfig,
  type SimAgentConfig,
  type SimulationOptions,
} from './options.js';
export { createRandom, type Random } from './prng.js';
